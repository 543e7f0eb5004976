-- @name session-list
-- @title Sessions
-- @description One record per session with its cause and request, in time order (the `wsdiag sessions` contract;
--   columns are only ever added, at the end).
-- @param since, until, backend
SELECT ts, client_ip, client_port, frontend, backend, server, status, termination, duration_ms AS tt_ms, upgraded, cause,
  method, uri, http_version
FROM session_causes($since, $until, $backend)
ORDER BY ts NULLS LAST, source_id, line_no;
