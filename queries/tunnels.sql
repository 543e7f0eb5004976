-- @name tunnels
-- @title Tunnel durations per backend
-- @description For upgraded (101) and TCP-mode sessions: count, percentiles and a histogram of durations per backend.
-- @param since, until, backend
-- @section tunnels
-- @fields backend, count, p50_ms, p90_ms, p99_ms, max_ms, histogram
WITH per_backend AS (
  SELECT backend,
    -- 1-2-5 buckets from 10 ms (duration-bucket.sql), by upper bound in ms.
    histogram(duration_bucket(duration_ms)) AS histogram,
    list(DISTINCT server ORDER BY server) AS servers
  FROM session_causes($since, $until, $backend) WHERE is_tunnel AND duration_ms IS NOT NULL GROUP BY backend
)
-- The percentiles from tunnel-percentiles.sql: quantile_cont's, in bounded memory.
SELECT p.backend, p.count, round(p.p50) AS p50_ms, round(p.p90) AS p90_ms, round(p.p99) AS p99_ms, p.max_ms,
  b.histogram, b.servers
FROM tunnel_percentiles($since, $until, $backend, false, false) p
JOIN per_backend b ON b.backend IS NOT DISTINCT FROM p.backend
ORDER BY p.count DESC, p.backend;
