-- @name session-list
-- @title Sessions
-- @description One record per session with its cause and request, in time order (the `wsdiag sessions` contract;
--   columns are only ever added, at the end). Read a slice at a time (session-list-slices.sql): the sessions from
--   $slice_from (NULL: the first) to before $slice_to (NULL: the last, with the sessions that have no time).
-- @param since, until, backend, slice_from, slice_to
SELECT ts, client_ip, client_port, frontend, backend, server, status, termination, duration_ms AS tt_ms, upgraded, cause,
  method, uri, http_version
FROM session_causes($since, $until, $backend)
WHERE ($slice_from IS NULL OR ts >= CAST($slice_from AS TIMESTAMP) OR ($slice_to IS NULL AND ts IS NULL))
  AND ($slice_to IS NULL OR ts < CAST($slice_to AS TIMESTAMP))
ORDER BY ts NULLS LAST, source_id, line_no;
