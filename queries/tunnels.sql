-- @name tunnels
-- @title Tunnel durations per backend
-- @description For upgraded (101) and TCP-mode sessions: count, percentiles and a histogram of durations per backend.
-- @param since, until, backend
-- @section tunnels
-- @fields backend, count, p50_ms, p90_ms, p99_ms, max_ms, histogram
WITH t AS (SELECT backend, server, duration_ms FROM session_causes($since, $until, $backend) WHERE is_tunnel AND duration_ms IS NOT NULL)
SELECT backend, count(*) AS count,
  round(quantile_cont(duration_ms, 0.5)) AS p50_ms,
  round(quantile_cont(duration_ms, 0.9)) AS p90_ms,
  round(quantile_cont(duration_ms, 0.99)) AS p99_ms,
  max(duration_ms) AS max_ms,
  -- 1-2-5 buckets from 10 ms (duration-bucket.sql), by upper bound in ms.
  histogram(duration_bucket(duration_ms)) AS histogram,
  list(DISTINCT server ORDER BY server) AS servers
FROM t GROUP BY backend ORDER BY count DESC, backend;
