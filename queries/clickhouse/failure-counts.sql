-- @name failure-counts
-- @param since, until, backend
SELECT status, cause, backend, server, count() AS count
FROM session_causes(since_ts = {since:Nullable(DateTime64(6, 'UTC'))}, until_ts = {until:Nullable(DateTime64(6, 'UTC'))}, backend_name = {backend:Nullable(String)})
GROUP BY status, cause, backend, server
ORDER BY status NULLS FIRST, cause, backend NULLS FIRST, server NULLS FIRST;
