-- @name drill-error
-- @title The sessions of one failure group
-- @description Enter on a row of Errors: the lines of the sessions with that cause, status, backend and server.
-- @param since, scope_backend, cause, status, backend, server, limit
SELECT source_id, line_no, text FROM session_lines($since, NULL, $scope_backend)
WHERE cause = $cause AND status IS NOT DISTINCT FROM $status AND backend IS NOT DISTINCT FROM $backend
  AND server IS NOT DISTINCT FROM $server
ORDER BY ts, source_id, line_no LIMIT $limit;
