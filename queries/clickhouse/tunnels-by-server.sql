-- @name tunnels-by-server
-- @param since, until, backend
WITH t AS (
  SELECT backend, server, path_prefix, duration_ms
  FROM session_causes(since_ts = {since:Nullable(DateTime64(6, 'UTC'))}, until_ts = {until:Nullable(DateTime64(6, 'UTC'))}, backend_name = {backend:Nullable(String)}) WHERE is_tunnel AND duration_ms IS NOT NULL
)
SELECT backend, server, path_prefix, count() AS count,
  toFloat64(round(toDecimal128(quantileExactInclusive(0.5)(duration_ms), 9))) AS p50_ms, toFloat64(round(toDecimal128(quantileExactInclusive(0.9)(duration_ms), 9))) AS p90_ms,
  toFloat64(round(toDecimal128(quantileExactInclusive(0.99)(duration_ms), 9))) AS p99_ms, max(duration_ms) AS max_ms
FROM t GROUP BY backend, server, path_prefix ORDER BY backend, server, path_prefix;
