-- @name drill-rejects
-- @title Rejected lines of one reason
-- @description Enter on a row of Rejects: every rejected line with that reason, as read.
-- @kind rows
-- @param reason
SELECT epoch_us(coalesce(ts, TIMESTAMP '1970-01-01')) AS k, source_id, line_no, ts, true AS raw, raw AS text
FROM rejects WHERE $reason IS NULL OR reason = $reason
