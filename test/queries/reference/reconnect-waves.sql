-- @name reconnect-waves
-- @title Reconnect waves
-- @description Per backend, seconds in which upgrades came far above the backend's own rate (at least $wave_min a
--   second and $wave_factor times its mean over the scope, taken over at least a minute), mostly from clients
--   returning within 10 s of their previous session on that backend: the fleet reconnecting at once after its
--   tunnels were cut. Such seconds less than 3 s apart are one wave; with what preceded it (tunnels of one server ending
--   together, a server going DOWN) and how many were redispatched.
-- @param since, until, backend, wave_min, wave_factor
-- @section details
-- @finding reconnect-wave
-- @rank 35
-- @id backend, start
-- @severity {severity}
-- @headline Reconnect wave on {backend}: {upgrades} WebSocket upgrades in {seconds} s from {clients} clients
-- @detail From {start}: peak {peak}/s, {ratio}× the backend's usual {usual_per_second}/s; {returned} of them
--   within 10 s of the same client's previous session; {redispatched} redispatched to another server; {failed}
--   failed.{?cut_before} It followed {cut_before} tunnels of {cut_server} ending together{?down_server} and
--   {down_server} going DOWN{?down_reason} ({down_reason}){/}{/}.{/}{!cut_before}{?down_server} It followed
--   {down_server} going DOWN{?down_reason} ({down_reason}){/}.{/}{/}
-- @advice Clients reconnect all at once when their server goes away: give their reconnect exponential backoff with
--   random jitter, and drain servers before stopping them so that tunnels end spread out.
WITH s AS (
  SELECT backend, server, client_ip, ts, epoch_ms(ts) AS start_ms, epoch_ms(ts) + coalesce(duration_ms, 0) AS end_ms,
    redispatched, cause, (upgraded OR upgrade_requested OR upgrade_inferred) AS is_upgrade
  FROM session_causes($since, $until, $backend)
  WHERE ts IS NOT NULL AND backend IS NOT NULL
),
attempts AS (
  SELECT *,
    -- A return: the same client's previous session on this backend ended at most 10 s before this one began.
    start_ms - lag(end_ms) OVER (PARTITION BY backend, client_ip ORDER BY start_ms, end_ms) BETWEEN -1000 AND 10000 AS is_return
  FROM s
),
upgrades AS (SELECT * FROM attempts WHERE is_upgrade),
usual AS (
  SELECT backend, count(*) / greatest((max(start_ms) - min(start_ms)) / 1000.0, 60) AS per_second FROM upgrades GROUP BY backend
),
seconds AS (
  SELECT backend, time_bucket(INTERVAL 1 SECOND, ts) AS second, count(*) AS n, count(*) FILTER (WHERE is_return) AS back
  FROM upgrades GROUP BY ALL
),
hot AS (
  SELECT x.*, u.per_second FROM seconds x JOIN usual u USING (backend)
  WHERE x.n >= greatest($wave_min, $wave_factor * u.per_second) AND x.back * 2 >= x.n
),
islands AS (
  -- Hot seconds less than 3 s apart are one wave (clients that retry several times come back in surges).
  SELECT *, sum(CASE WHEN gap IS NULL OR gap > 3 THEN 1 ELSE 0 END) OVER (PARTITION BY backend ORDER BY second) AS island
  FROM (SELECT *, epoch(second) - epoch(lag(second) OVER (PARTITION BY backend ORDER BY second)) AS gap FROM hot)
),
waves AS (
  SELECT backend, min(second) AS start, max(second) + INTERVAL 1 SECOND AS stop, sum(n) AS upgrades, max(n) AS peak,
    sum(back) AS returning_clients, any_value(per_second) AS per_second
  FROM islands GROUP BY backend, island
  ORDER BY upgrades DESC, start LIMIT 20
),
described AS (
  SELECT w.*,
    (SELECT count(DISTINCT u.client_ip) FROM upgrades u WHERE u.backend = w.backend AND u.ts >= w.start AND u.ts < w.stop) AS clients,
    (SELECT count(*) FROM upgrades u WHERE u.backend = w.backend AND u.ts >= w.start AND u.ts < w.stop AND u.redispatched) AS redispatched,
    (SELECT count(*) FROM upgrades u WHERE u.backend = w.backend AND u.ts >= w.start AND u.ts < w.stop AND u.cause <> 'ok') AS failed,
    -- What came just before: the server whose tunnels ended most in the 10 s before the wave, and its DOWN.
    (SELECT arg_max(x.server, x.n) FROM (
       SELECT a.server, count(*) AS n FROM attempts a
       WHERE a.backend = w.backend AND a.end_ms BETWEEN epoch_ms(w.start) - 10000 AND epoch_ms(w.start) + 1000 AND a.end_ms > a.start_ms + 1000
       GROUP BY a.server) x) AS cut_server_name,
    (SELECT max(x.n) FROM (
       SELECT a.server, count(*) AS n FROM attempts a
       WHERE a.backend = w.backend AND a.end_ms BETWEEN epoch_ms(w.start) - 10000 AND epoch_ms(w.start) + 1000 AND a.end_ms > a.start_ms + 1000
       GROUP BY a.server) x) AS cut_before,
    (SELECT arg_min(e.server, e.ts) FROM events e WHERE e.proxy = w.backend AND e.kind = 'server.down'
       AND e.ts BETWEEN w.start - INTERVAL 30 SECOND AND w.stop + INTERVAL 10 SECOND) AS down_server_name,
    (SELECT arg_min(e.reason, e.ts) FROM events e WHERE e.proxy = w.backend AND e.kind = 'server.down'
       AND e.ts BETWEEN w.start - INTERVAL 30 SECOND AND w.stop + INTERVAL 10 SECOND) AS down_reason
  FROM waves w
)
SELECT backend, start, stop, upgrades, CAST(epoch(stop) - epoch(start) AS INTEGER) AS seconds, peak, clients, returning_clients AS returned,
  redispatched, failed, round(per_second, 1) AS usual_per_second, round(peak / per_second) AS ratio,
  -- Tunnels of one server ending together in the 10 s before: only a handful is no cause.
  CASE WHEN cut_before >= 5 THEN cut_before END AS cut_before, backend || '/' || cut_server_name AS cut_server,
  backend || '/' || down_server_name AS down_server, down_reason,
  CASE WHEN upgrades >= 100 THEN 'critical' ELSE 'warning' END AS severity
FROM described
ORDER BY upgrades DESC, start;
