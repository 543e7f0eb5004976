-- @name drill-reject
-- @title One rejected line
-- @description Enter on a row of Rejects: the line as read.
-- @param source_id, line_no
SELECT source_id, line_no, raw AS text FROM rejects WHERE source_id = $source_id AND line_no = $line_no;
