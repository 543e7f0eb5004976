-- @name drill-events
-- @title HAProxy's own lines about a server or proxy
-- @description Enter on a row of Events (and on a health-check finding): every event of that proxy and server
--   (its DOWN/UP history), as logged; an event of no proxy matches on its message.
-- @kind rows
-- @param proxy, server, message
SELECT epoch_us(coalesce(e.ts, TIMESTAMP '1970-01-01')) AS k, e.source_id, e.line_no, e.ts,
  r.raw IS NOT NULL AS raw, coalesce(r.raw, e.message) AS text
FROM events e
LEFT JOIN raw_lines r ON r.source_id = e.source_id AND r.line_no = e.line_no
WHERE CASE WHEN $proxy IS NULL THEN e.message = $message
  ELSE e.proxy = $proxy AND ($server IS NULL OR e.server = $server) END
