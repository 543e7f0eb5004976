-- @name tunnels-by-server
-- @title Tunnel durations per server and path prefix
-- @description The same percentiles per backend, server and first path segment.
-- @param since, until, backend
-- @section details
WITH t AS (
  -- session_causes' path_prefix: the first segment of an absolute URI too (h2 logs `GET https://host/ws …`).
  SELECT backend, server, path_prefix, duration_ms
  FROM session_causes($since, $until, $backend) WHERE is_tunnel AND duration_ms IS NOT NULL
)
SELECT backend, server, path_prefix, count(*) AS count,
  round(quantile_cont(duration_ms, 0.5)) AS p50_ms, round(quantile_cont(duration_ms, 0.9)) AS p90_ms,
  round(quantile_cont(duration_ms, 0.99)) AS p99_ms, max(duration_ms) AS max_ms
FROM t GROUP BY ALL ORDER BY backend, server, path_prefix;
