-- @name drill-event
-- @title The line of one event
-- @description Enter on a row of Events: the raw line (or the message) of the events with that time and message.
-- @param ts, message, limit
SELECT e.source_id, e.line_no, coalesce(r.raw, e.message) AS text FROM events e
LEFT JOIN raw_lines r ON r.source_id = e.source_id AND r.line_no = e.line_no
WHERE e.ts IS NOT DISTINCT FROM CAST($ts AS TIMESTAMP) AND e.message = $message
ORDER BY e.source_id, e.line_no LIMIT $limit;
