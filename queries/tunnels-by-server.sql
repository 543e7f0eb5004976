-- @name tunnels-by-server
-- @title Tunnel durations per server and path prefix
-- @description The same percentiles per backend, server and first path segment.
-- @param since, until, backend
-- @section details
-- session_causes' path_prefix: the first segment of an absolute URI too (h2 logs `GET https://host/ws …`).
-- The percentiles from tunnel-percentiles.sql: quantile_cont's, in bounded memory.
SELECT backend, server, path_prefix, count, round(p50) AS p50_ms, round(p90) AS p90_ms, round(p99) AS p99_ms, max_ms
FROM tunnel_percentiles($since, $until, $backend, true, true)
ORDER BY backend, server, path_prefix;
