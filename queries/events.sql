-- @name events
-- @title Server and backend events
-- @description HAProxy's own state changes and health checks, in time order.
-- @param since, until
-- @section events
SELECT ts, kind, proxy, server, reason, check_code, check_info, check_duration_ms, active_servers, backup_servers, sessions_active, requeued, message
FROM events
WHERE ($since IS NULL OR ts >= CAST($since AS TIMESTAMP)) AND ($until IS NULL OR ts < CAST($until AS TIMESTAMP))
  -- HAProxy's other messages (SPOE: one per processed request) stay in the table, out of the report.
  AND kind NOT IN ('connect', 'haproxy.message')
ORDER BY ts NULLS FIRST, source_id, line_no;
