-- @name disconnect-clusters
-- @param since, until, backend, min_count
-- By hand: ANTI JOIN on a range → the bursts of the server as an array, none of which may hold the end; the
-- correlated neighbour counts → windows over the bins; the backend's tunnels → a window; LATERAL (VALUES …) LIMIT 1 → the first of an array of candidates sorted as DuckDB orders them; mode → the
-- most frequent, the smallest on a tie; a NULL struct → a Variant (a Tuple cannot be NULL); DOUBLE → VARCHAR as
-- DuckDB writes it (2000.0).
WITH bursts AS (SELECT backend, server, groupArray(start_ms) AS starts FROM mass_disconnect_bursts(since_ts = {since:Nullable(DateTime64(6, 'UTC'))}, until_ts = {until:Nullable(DateTime64(6, 'UTC'))}, backend_name = {backend:Nullable(String)}, min_count = {min_count:Nullable(Int64)}) GROUP BY backend, server),
t AS (
  SELECT s.backend AS backend, s.frontend AS frontend, s.duration_ms AS d, s.termination AS termination, s.term_cause AS term_cause, s.term_state AS term_state,
    count() OVER (PARTITION BY s.backend) AS tunnels
  FROM session_causes(since_ts = {since:Nullable(DateTime64(6, 'UTC'))}, until_ts = {until:Nullable(DateTime64(6, 'UTC'))}, backend_name = {backend:Nullable(String)}) s
  LEFT JOIN bursts b ON b.backend = s.backend AND b.server = s.server
  WHERE s.is_tunnel AND s.duration_ms IS NOT NULL
    AND NOT arrayExists(x -> ifNull(toUnixTimestamp64Milli(s.ts) + s.duration_ms BETWEEN x AND x + 999, false), b.starts)
),
binned AS (
  SELECT *, count() OVER (PARTITION BY backend, bin) AS bin_n
  FROM (SELECT *, toInt32(if(d < 5000, floor(d / 50), 100 + floor(log(d / 5000.0) / log(1.01)))) AS bin FROM t WHERE d >= 500)
),
scored AS (
  SELECT backend, bin, n, tunnels,
    n + greatest(ifNull(before, 0), ifNull(after, 0)) AS n2,
    (ifNull(below, 0) + ifNull(above, 0)) / 21.0 AS background,
    greatest(ifNull(before, 0), ifNull(after, 0)) AS neighbour
  FROM (
    SELECT *,
      max(n) OVER (PARTITION BY backend ORDER BY bin RANGE BETWEEN 1 PRECEDING AND 1 PRECEDING) AS before,
      max(n) OVER (PARTITION BY backend ORDER BY bin RANGE BETWEEN 1 FOLLOWING AND 1 FOLLOWING) AS after,
      sum(n) OVER (PARTITION BY backend ORDER BY bin RANGE BETWEEN 12 PRECEDING AND 2 PRECEDING) AS below,
      sum(n) OVER (PARTITION BY backend ORDER BY bin RANGE BETWEEN 2 FOLLOWING AND 12 FOLLOWING) AS above
    FROM (SELECT backend, bin, any(bin_n) AS n, any(tunnels) AS tunnels FROM binned GROUP BY backend, bin)
  )
),
clusters AS (
  SELECT * FROM scored
  WHERE n >= neighbour AND n2 >= 5 AND n2 >= 0.1 * tunnels AND n2 >= 5 * (background + 0.2)
),
members AS (
  SELECT c.backend AS backend, c.bin AS bin, c.tunnels AS tunnels, m.frontend AS frontend, m.d AS d, m.termination AS termination,
    m.term_cause AS term_cause, m.term_state AS term_state
  FROM clusters c JOIN binned m ON m.backend = c.backend
  WHERE m.bin BETWEEN c.bin - 1 AND c.bin + 1 AND (m.bin = c.bin OR m.bin_n <= c.n)
),
summarised AS (
  SELECT backend, bin, any(tunnels) AS tunnels, count() AS count, toFloat64(round(toDecimal128(quantileExactInclusive(0.5)(d), 9))) AS interval_ms, min(d) AS min_ms, max(d) AS max_ms,
    groupArray(termination) AS all_terminations,
    if(empty(all_terminations), NULL, arraySort(v -> (-countEqual(all_terminations, v), v), arrayDistinct(all_terminations))[1]) AS termination,
    arrayConcat(CAST(arraySort(groupUniqArray(termination)), 'Array(Nullable(String))'), if(countIf(termination IS NULL) > 0, [NULL], [])) AS terminations,
    groupArray(frontend) AS all_frontends,
    if(empty(all_frontends), NULL, arraySort(v -> (-countEqual(all_frontends, v), v), arrayDistinct(all_frontends))[1]) AS frontend,
    countIf(term_cause IN ('c', 's') AND term_state = 'D') AS timeout_flagged
  FROM members GROUP BY backend, bin
),
configured AS (
  SELECT s.*, tt.ms AS tunnel_ms, tt.text AS tunnel_text, tt.where_set AS tunnel_where,
    tc.ms AS client_ms, tc.text AS client_text, tc.where_set AS client_where,
    ts.ms AS server_ms, ts.text AS server_text, ts.where_set AS server_where
  FROM summarised s
  LEFT JOIN (SELECT * FROM proxy_timeouts WHERE name = 'tunnel') tt ON tt.proxy = s.backend
  LEFT JOIN (SELECT * FROM proxy_timeouts WHERE name = 'client') tc ON tc.proxy = s.frontend
  LEFT JOIN (SELECT * FROM proxy_timeouts WHERE name = 'server') ts ON ts.proxy = s.backend
),
candidates AS (
  SELECT *,
    if(empty(options), NULL, options[1].1) AS directive, if(empty(options), NULL, options[1].2) AS value_ms,
    if(empty(options), NULL, options[1].3) AS value_text, if(empty(options), NULL, options[1].4) AS where_set
  FROM (
    SELECT *,
      arraySort(x -> (abs(interval_ms - x.2), x.5), arrayFilter(x -> x.2 IS NOT NULL AND interval_ms BETWEEN x.2 - 50 AND x.2 + greatest(250, 0.02 * x.2), [
        CAST(('timeout tunnel', tunnel_ms, tunnel_text, tunnel_where, 1), 'Tuple(String, Nullable(Float64), Nullable(String), Nullable(String), UInt8)'),
        CAST(('timeout client', if(tunnel_ms IS NULL, client_ms, NULL), client_text, client_where, 2), 'Tuple(String, Nullable(Float64), Nullable(String), Nullable(String), UInt8)'),
        CAST(('timeout server', if(tunnel_ms IS NULL, server_ms, NULL), server_text, server_where, 3), 'Tuple(String, Nullable(Float64), Nullable(String), Nullable(String), UInt8)')
      ])) AS options
    FROM configured
  )
)
SELECT backend, frontend, interval_ms, min_ms, max_ms, count, toFloat64(round(toDecimal128(count / tunnels, 9), 4)) AS share, toFloat64(round(toDecimal128(100 * count / tunnels, 9))) AS share_pct,
  tunnels, termination, terminations, timeout_flagged, directive, value_ms, value_text, where_set,
  if(directive IS NULL, NULL, CAST(CAST((directive, value_ms, where_set), 'Tuple(directive String, value_ms Nullable(Float64), `where` Nullable(String))'),
    'Variant(Tuple(directive String, value_ms Nullable(Float64), `where` Nullable(String)))')) AS timeout,
  CASE WHEN directive IS NOT NULL THEN 'haproxy-timeout'
       WHEN timeout_flagged * 2 >= count AND (SELECT count() FROM config_timeouts) = 0 THEN 'timeout-unknown-config'
       WHEN timeout_flagged * 2 >= count THEN 'unexplained-timeout'
       ELSE 'outside-haproxy' END AS verdict,
  if(count >= 0.3 * tunnels, 'critical', 'warning') AS severity,
  coalesce(directive, if((toFloat64(round(toDecimal128(interval_ms / pow(10, floor(log10(interval_ms)) - 1), 9))) * pow(10, floor(log10(interval_ms)) - 1)) = floor((toFloat64(round(toDecimal128(interval_ms / pow(10, floor(log10(interval_ms)) - 1), 9))) * pow(10, floor(log10(interval_ms)) - 1))),
    concat(toString(toInt64((toFloat64(round(toDecimal128(interval_ms / pow(10, floor(log10(interval_ms)) - 1), 9))) * pow(10, floor(log10(interval_ms)) - 1)))), '.0'), toString((toFloat64(round(toDecimal128(interval_ms / pow(10, floor(log10(interval_ms)) - 1), 9))) * pow(10, floor(log10(interval_ms)) - 1))))) AS interval_key
FROM candidates
ORDER BY count DESC, backend, interval_ms;
