-- @name session-list
-- @param since, until, backend
SELECT ts, client_ip, client_port, frontend, backend, server, status, termination, duration_ms AS tt_ms, upgraded, cause,
  method, uri, http_version
FROM session_causes(since_ts = {since:Nullable(DateTime64(6, 'UTC'))}, until_ts = {until:Nullable(DateTime64(6, 'UTC'))}, backend_name = {backend:Nullable(String)})
ORDER BY ts NULLS LAST, node, source_id, line_no;
