-- @name reconnect-waves
-- @param since, until, backend, wave_min, wave_factor
-- By hand: lag → lagInFrame over the partition so far (NULL first, as lag); the backend's usual rate → a window; the
-- correlated counts and lookups of each wave → one join of the waves with the attempts (the most frequent cut
-- server, the smallest name on a tie) and one with the DOWN events.
WITH s AS (
  SELECT backend, server, client_ip, ts, toUnixTimestamp64Milli(ts) AS start_ms, toUnixTimestamp64Milli(ts) + ifNull(duration_ms, 0) AS end_ms,
    redispatched, cause, (upgraded OR upgrade_requested OR upgrade_inferred) AS is_upgrade
  FROM session_causes(since_ts = {since:Nullable(DateTime64(6, 'UTC'))}, until_ts = {until:Nullable(DateTime64(6, 'UTC'))}, backend_name = {backend:Nullable(String)})
  WHERE ts IS NOT NULL AND backend IS NOT NULL
),
attempts AS (
  SELECT *,
    start_ms - lagInFrame(toNullable(end_ms)) OVER (PARTITION BY backend, client_ip ORDER BY start_ms, end_ms ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) BETWEEN -1000 AND 10000 AS is_return
  FROM s
),
upgrades AS (
  SELECT *, count() OVER b / greatest((max(start_ms) OVER b - min(start_ms) OVER b) / 1000.0, 60) AS per_second
  FROM attempts WHERE is_upgrade
  WINDOW b AS (PARTITION BY backend)
),
seconds AS (
  SELECT backend, toStartOfSecond(ts) AS second, count() AS n, countIf(is_return) AS back, any(per_second) AS per_second
  FROM upgrades GROUP BY backend, second
),
hot AS (
  SELECT * FROM seconds
  WHERE n >= greatest({wave_min:Nullable(Float64)}, {wave_factor:Nullable(Float64)} * per_second) AND back * 2 >= n
),
islands AS (
  SELECT *, sum(if(gap IS NULL OR gap > 3, 1, 0)) OVER (PARTITION BY backend ORDER BY second) AS island
  FROM (SELECT *, toUnixTimestamp(second) - toUnixTimestamp(lagInFrame(toNullable(second)) OVER (PARTITION BY backend ORDER BY second ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) AS gap FROM hot)
),
waves AS (
  SELECT backend, min(second) AS wave_start, max(second) + INTERVAL 1 SECOND AS wave_stop, sum(n) AS wave_upgrades, max(n) AS peak,
    sum(back) AS returning_clients, any(per_second) AS per_second
  FROM islands GROUP BY backend, island
  ORDER BY wave_upgrades DESC, wave_start LIMIT 20
),
details AS (
  SELECT w.backend AS backend, w.wave_start AS wave_start,
    uniqExactIf(a.client_ip, a.is_upgrade AND a.ts >= w.wave_start AND a.ts < w.wave_stop) AS clients,
    countIf(a.is_upgrade AND a.ts >= w.wave_start AND a.ts < w.wave_stop AND a.redispatched) AS redispatched,
    countIf(a.is_upgrade AND a.ts >= w.wave_start AND a.ts < w.wave_stop AND a.cause <> 'ok') AS failed,
    groupArrayIf(a.server, a.end_ms BETWEEN toUnixTimestamp64Milli(w.wave_start) - 10000 AND toUnixTimestamp64Milli(w.wave_start) + 1000
      AND a.end_ms > a.start_ms + 1000) AS cut_servers,
    if(empty(cut_servers), NULL, arraySort(v -> (-countEqual(cut_servers, v), v), arrayDistinct(cut_servers))[1]) AS cut_server_name,
    if(empty(cut_servers), NULL, countEqual(cut_servers, cut_server_name)) AS cut_before
  FROM waves w JOIN attempts a ON a.backend = w.backend
  GROUP BY w.backend, w.wave_start
),
downs AS (
  SELECT w.backend AS backend, w.wave_start AS wave_start, argMin(e.server, e.ts) AS down_server_name, argMin(e.reason, e.ts) AS down_reason
  FROM waves w JOIN events e ON e.proxy = w.backend
  WHERE e.kind = 'server.down' AND e.ts BETWEEN w.wave_start - INTERVAL 30 SECOND AND w.wave_stop + INTERVAL 10 SECOND
  GROUP BY w.backend, w.wave_start
)
SELECT w.backend AS backend, w.wave_start AS start, w.wave_stop AS stop, w.wave_upgrades AS upgrades, toInt32(toUnixTimestamp(w.wave_stop) - toUnixTimestamp(w.wave_start)) AS seconds,
  w.peak AS peak, ifNull(i.clients, 0) AS clients, w.returning_clients AS returned, ifNull(i.redispatched, 0) AS redispatched, ifNull(i.failed, 0) AS failed,
  toFloat64(round(toDecimal128(w.per_second, 9), 1)) AS usual_per_second, toFloat64(round(toDecimal128(w.peak / w.per_second, 9))) AS ratio,
  if(i.cut_before >= 5, i.cut_before, NULL) AS cut_before, concat(w.backend, '/', i.cut_server_name) AS cut_server,
  concat(w.backend, '/', d.down_server_name) AS down_server, d.down_reason AS down_reason,
  if(w.wave_upgrades >= 100, 'critical', 'warning') AS severity
FROM waves w
LEFT JOIN details i ON i.backend = w.backend AND i.wave_start = w.wave_start
LEFT JOIN downs d ON d.backend = w.backend AND d.wave_start = w.wave_start
ORDER BY upgrades DESC, start;
