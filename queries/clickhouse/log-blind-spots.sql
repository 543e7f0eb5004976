-- @name log-blind-spots
-- @param since, until, backend
WITH s AS (SELECT * FROM session_causes(since_ts = {since:Nullable(DateTime64(6, 'UTC'))}, until_ts = {until:Nullable(DateTime64(6, 'UTC'))}, backend_name = {backend:Nullable(String)}))
SELECT * FROM (
  SELECT frontend, 'logasap' AS problem, count() AS count, countIf(is_tunnel) AS tunnels, toUInt64(0) AS by_duration, toUInt64(0) AS unknown
  FROM s WHERE cause = 'logged-early' GROUP BY frontend
  UNION ALL
  SELECT frontend, 'no-termination' AS problem, count() AS count, countIf(is_tunnel) AS tunnels,
    countIf(cause_confidence = 'duration') AS by_duration, countIf(cause = 'unknown' AND is_tunnel) AS unknown
  FROM s WHERE termination IS NULL GROUP BY frontend
)
ORDER BY count DESC, frontend, problem;
