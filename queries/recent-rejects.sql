-- @name recent-rejects
-- @title Rejected lines, newest first
-- @description The Rejects screen: the newest rejected lines with their reason.
-- @param limit
SELECT source_id, line_no, ts, reason, detail, raw FROM rejects
ORDER BY ts DESC NULLS LAST, source_id, line_no DESC LIMIT $limit;
