-- @name tunnels
-- @param since, until, backend
-- quantile_cont → quantileExactInclusive; round → Decimal round (half away from zero, as DuckDB; Float64 rounds half
-- to even); histogram → sumMap into a Map; list(DISTINCT …) → groupUniqArray, sorted.
WITH t AS (SELECT backend, server, duration_ms FROM session_causes(since_ts = {since:Nullable(DateTime64(6, 'UTC'))}, until_ts = {until:Nullable(DateTime64(6, 'UTC'))}, backend_name = {backend:Nullable(String)}) WHERE is_tunnel AND duration_ms IS NOT NULL)
SELECT backend, count, p50_ms, p90_ms, p99_ms, max_ms, mapFromArrays(buckets.1, buckets.2) AS histogram, servers
FROM (
  SELECT backend, count() AS count,
    toFloat64(round(toDecimal128(quantileExactInclusive(0.5)(duration_ms), 9))) AS p50_ms,
    toFloat64(round(toDecimal128(quantileExactInclusive(0.9)(duration_ms), 9))) AS p90_ms,
    toFloat64(round(toDecimal128(quantileExactInclusive(0.99)(duration_ms), 9))) AS p99_ms,
    max(duration_ms) AS max_ms,
    sumMap([duration_bucket(duration_ms)], [toUInt64(1)]) AS buckets,
    arraySort(groupUniqArray(server)) AS servers
  FROM t GROUP BY backend
)
ORDER BY count DESC, backend;
