-- @name tunnel-servers
-- @title Tunnel durations per server
-- @description The Tunnels screen's rows under a backend (Enter): count, percentiles and the 1-2-5 histogram of
--   tunnel durations of each server.
-- @param since, until, backend
SELECT backend, server, count(*) AS count,
  round(quantile_cont(duration_ms, 0.5)) AS p50_ms, round(quantile_cont(duration_ms, 0.9)) AS p90_ms,
  round(quantile_cont(duration_ms, 0.99)) AS p99_ms, max(duration_ms) AS max_ms,
  histogram(duration_bucket(duration_ms)) AS histogram
FROM session_causes($since, $until, $backend)
WHERE is_tunnel AND duration_ms IS NOT NULL
GROUP BY ALL ORDER BY backend, count DESC, server;
