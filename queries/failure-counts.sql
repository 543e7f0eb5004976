-- @name failure-counts
-- @title Sessions by status, cause, backend and server
-- @description The counts thresholds and comparisons are computed from (small: one row per combination).
-- @param since, until, backend
SELECT status, cause, backend, server, count(*) AS count
FROM session_causes($since, $until, $backend)
GROUP BY ALL
ORDER BY status NULLS FIRST, cause, backend NULLS FIRST, server NULLS FIRST;
