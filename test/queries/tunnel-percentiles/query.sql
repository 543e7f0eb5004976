-- Per backend, server and path prefix; beside each row, quantile_cont over the same tunnels (they must be equal).
SELECT p.backend, p.server, p.path_prefix, p.count, p.p50, p.p90, p.p99, p.max_ms,
  q.p50 = p.p50 AND q.p90 = p.p90 AND q.p99 = p.p99 AS same_as_quantile_cont
FROM tunnel_percentiles(NULL, NULL, NULL, true, true) p
JOIN (
  SELECT backend, server, path_prefix, quantile_cont(duration_ms, 0.5) AS p50, quantile_cont(duration_ms, 0.9) AS p90,
    quantile_cont(duration_ms, 0.99) AS p99
  FROM session_causes(NULL, NULL, NULL) WHERE is_tunnel AND duration_ms IS NOT NULL GROUP BY ALL
) q ON q.backend = p.backend AND q.server = p.server AND q.path_prefix = p.path_prefix
ORDER BY p.backend, p.server, p.path_prefix;
