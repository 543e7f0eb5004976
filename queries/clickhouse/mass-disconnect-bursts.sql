-- @name mass-disconnect-bursts
-- @kind setup
-- The view mass_disconnect_bursts(since_ts, until_ts, backend_name, min_count): queries/mass-disconnect-bursts.sql. By
-- hand: the join of each peak with the ends in its second → window frames; the correlated DOWN lookups → one join on
-- the server's DOWNs.
WITH ended AS (
  SELECT backend, server, termination, duration_ms, toInt64(toUnixTimestamp64Milli(ts) + duration_ms) AS end_ms
  FROM session_causes(since_ts = {since_ts:Nullable(DateTime64(6, 'UTC'))}, until_ts = {until_ts:Nullable(DateTime64(6, 'UTC'))}, backend_name = {backend_name:Nullable(String)})
  WHERE is_tunnel AND ts IS NOT NULL AND duration_ms IS NOT NULL AND server IS NOT NULL AND server <> '<NOSRV>'
),
-- Each tunnel end with what ends in the second from it (RANGE frames, as DuckDB's join on that second counts), and
-- the server's usual rate: windows over one pass.
windowed AS (
  SELECT backend, server, end_ms,
    count() OVER w AS in_window,
    countIf(substring(termination, 1, 1) IN ('S', 'K', 'D', 'U', 'R', 'I')) OVER w AS cut,
    arraySort(groupUniqArray(termination) OVER w) AS terminations,
    max(end_ms) OVER w AS last_ms,
    quantileExactInclusive(0.5)(duration_ms) OVER w AS median_duration_ms,
    count() OVER s / greatest((max(end_ms) OVER s - min(end_ms) OVER s) / 1000.0, 60) AS per_second
  FROM ended
  WINDOW w AS (PARTITION BY backend, server ORDER BY end_ms RANGE BETWEEN CURRENT ROW AND 999 FOLLOWING),
    s AS (PARTITION BY backend, server)
),
bursts AS (
  SELECT DISTINCT backend, server, end_ms AS start_ms, in_window AS tunnels, per_second, cut, terminations, last_ms, median_duration_ms
  FROM (
    SELECT *,
      ifNull(max(in_window) OVER (PARTITION BY backend, server ORDER BY end_ms RANGE BETWEEN 1000 PRECEDING AND 1 PRECEDING), 0) AS before_max,
      ifNull(max(in_window) OVER (PARTITION BY backend, server ORDER BY end_ms RANGE BETWEEN 1 FOLLOWING AND 1000 FOLLOWING), 0) AS after_max
    FROM windowed
  )
  WHERE in_window >= {min_count:Nullable(Int64)} AND in_window > before_max AND in_window >= after_max AND in_window >= 10 * per_second
),
explained AS (
  SELECT b.backend AS backend, b.server AS server, b.start_ms AS start_ms, b.tunnels AS tunnels, b.per_second AS per_second, b.cut AS cut,
    b.terminations AS terminations, b.last_ms AS last_ms, b.median_duration_ms AS median_duration_ms,
    countIf(toUnixTimestamp64Milli(e.ts) BETWEEN b.start_ms - 30000 AND b.last_ms + 30000) AS down_events_nearby,
    minIf(e.ts, toUnixTimestamp64Milli(e.ts) BETWEEN b.start_ms - 2000 AND b.last_ms + 15000) AS down_after,
    argMinIf(e.reason, e.ts, toUnixTimestamp64Milli(e.ts) BETWEEN b.start_ms - 2000 AND b.last_ms + 15000) AS down_reason
  FROM bursts b
  LEFT JOIN (SELECT proxy, server, ts, reason FROM events WHERE kind = 'server.down') e ON e.proxy = b.backend AND e.server = b.server
  GROUP BY b.backend, b.server, b.start_ms, b.tunnels, b.per_second, b.cut, b.terminations, b.last_ms, b.median_duration_ms
)
SELECT * FROM explained
WHERE cut * 2 >= tunnels OR (down_after IS NOT NULL AND median_duration_ms >= 1000);
