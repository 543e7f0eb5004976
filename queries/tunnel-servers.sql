-- @name tunnel-servers
-- @title Tunnel durations per server
-- @description The Tunnels screen's rows under a backend (Enter): count, percentiles and the 1-2-5 histogram of
--   tunnel durations of each server.
-- @param since, until, backend
WITH histograms AS (
  SELECT backend, server, histogram(duration_bucket(duration_ms)) AS histogram
  FROM session_causes($since, $until, $backend)
  WHERE is_tunnel AND duration_ms IS NOT NULL
  GROUP BY ALL
)
-- The percentiles from tunnel-percentiles.sql: quantile_cont's, in bounded memory.
SELECT p.backend, p.server, p.count, round(p.p50) AS p50_ms, round(p.p90) AS p90_ms, round(p.p99) AS p99_ms, p.max_ms,
  h.histogram
FROM tunnel_percentiles($since, $until, $backend, true, false) p
JOIN histograms h ON h.backend IS NOT DISTINCT FROM p.backend AND h.server IS NOT DISTINCT FROM p.server
ORDER BY p.backend, p.count DESC, p.server;
