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
WITH s AS NOT MATERIALIZED (
  SELECT backend, server, client_ip, ts, epoch_ms(ts) AS start_ms, epoch_ms(ts) + coalesce(duration_ms, 0) AS end_ms,
    redispatched, cause, (upgraded OR upgrade_requested OR upgrade_inferred) AS is_upgrade
  FROM session_causes($since, $until, $backend)
  WHERE ts IS NOT NULL AND backend IS NOT NULL
),
upgrades AS NOT MATERIALIZED (SELECT * FROM s WHERE is_upgrade),
usual AS (
  SELECT backend, count(*) / greatest((max(start_ms) - min(start_ms)) / 1000.0, 60) AS per_second FROM upgrades GROUP BY backend
),
-- Seconds with upgrades enough for a wave; whether they came back is only worked out for these.
busy AS (
  SELECT x.backend, x.second, x.n, u.per_second
  FROM (SELECT backend, time_bucket(INTERVAL 1 SECOND, ts) AS second, count(*) AS n FROM upgrades GROUP BY ALL) x
  JOIN usual u USING (backend)
  WHERE x.n >= greatest($wave_min, $wave_factor * u.per_second)
),
-- Every session of the clients that upgraded in a busy second (a client without an address is one client, as in
-- a window over its partition), each marked when it was a return: the same client's previous session on this
-- backend ended at most 10 s before this one began.
attempts AS (
  SELECT *, start_ms - lag(end_ms) OVER (PARTITION BY backend, client_ip ORDER BY start_ms, end_ms) BETWEEN -1000 AND 10000 AS is_return
  FROM s
  SEMI JOIN (
    SELECT DISTINCT u.backend, u.client_ip FROM upgrades u
    SEMI JOIN busy b ON b.backend = u.backend AND b.second = time_bucket(INTERVAL 1 SECOND, u.ts)
  ) c ON c.backend = s.backend AND c.client_ip IS NOT DISTINCT FROM s.client_ip
),
hot AS (
  SELECT b.backend, b.second, b.n, count(*) FILTER (WHERE a.is_return) AS back, b.per_second
  FROM busy b
  JOIN attempts a ON a.backend = b.backend AND a.is_upgrade AND time_bucket(INTERVAL 1 SECOND, a.ts) = b.second
  GROUP BY b.backend, b.second, b.n, b.per_second
  HAVING count(*) FILTER (WHERE a.is_return) * 2 >= b.n
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
  SELECT w.*, coalesce(u.clients, 0) AS clients, coalesce(u.redispatched, 0) AS redispatched, coalesce(u.failed, 0) AS failed,
    c.cut_server_name, c.cut_before,
    (SELECT arg_min(e.server, e.ts) FROM events e WHERE e.proxy = w.backend AND e.kind = 'server.down'
       AND e.ts BETWEEN w.start - INTERVAL 30 SECOND AND w.stop + INTERVAL 10 SECOND) AS down_server_name,
    (SELECT arg_min(e.reason, e.ts) FROM events e WHERE e.proxy = w.backend AND e.kind = 'server.down'
       AND e.ts BETWEEN w.start - INTERVAL 30 SECOND AND w.stop + INTERVAL 10 SECOND) AS down_reason
  FROM waves w
  -- Its upgrades: from how many clients, how many redispatched, how many failed.
  LEFT JOIN (
    SELECT x.backend, x.start, count(DISTINCT u.client_ip) AS clients, count(*) FILTER (WHERE u.redispatched) AS redispatched,
      count(*) FILTER (WHERE u.cause <> 'ok') AS failed
    FROM waves x JOIN upgrades u ON u.backend = x.backend AND u.ts >= x.start AND u.ts < x.stop
    GROUP BY x.backend, x.start
  ) u ON u.backend = w.backend AND u.start = w.start
  -- What came just before: the server whose tunnels ended most in the 10 s before the wave, and its DOWN.
  LEFT JOIN (
    SELECT backend, start, arg_max(server, n) AS cut_server_name, max(n) AS cut_before FROM (
      SELECT x.backend, x.start, a.server, count(*) AS n
      FROM waves x JOIN s a ON a.backend = x.backend
        AND a.end_ms BETWEEN epoch_ms(x.start) - 10000 AND epoch_ms(x.start) + 1000 AND a.end_ms > a.start_ms + 1000
      GROUP BY x.backend, x.start, a.server
    ) GROUP BY backend, start
  ) c ON c.backend = w.backend AND c.start = w.start
)
SELECT backend, start, stop, upgrades, CAST(epoch(stop) - epoch(start) AS INTEGER) AS seconds, peak, clients, returning_clients AS returned,
  redispatched, failed, round(per_second, 1) AS usual_per_second, round(peak / per_second) AS ratio,
  -- Tunnels of one server ending together in the 10 s before: only a handful is no cause.
  CASE WHEN cut_before >= 5 THEN cut_before END AS cut_before, backend || '/' || cut_server_name AS cut_server,
  backend || '/' || down_server_name AS down_server, down_reason,
  CASE WHEN upgrades >= 100 THEN 'critical' ELSE 'warning' END AS severity
FROM described
ORDER BY upgrades DESC, start;
