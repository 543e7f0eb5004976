-- @name sticky-source
-- @title Source persistence misses
-- @description Backends that balance on the source address (`balance source`, `stick on src`; without a
--   configuration: backends where almost every returning client always reached the same server): each time a
--   client reached another server than the time before, and why: its server went DOWN in between; another server
--   changed state (a map-based hash moves clients of every server then); it refused the connection and HAProxy
--   redispatched it; or no state change at all.
-- @param since, until, backend
-- @section sticky
-- @fields backend, method, connections, misses, miss_rate, reasons
-- @finding sticky
-- @rank 70
-- @id backend, method
-- @when misses
-- @severity {severity}
-- @headline {backend}: {misses} sticky-session misses ({miss_rate|pct} of {connections}, source)
-- @detail {clients_moved} client(s) reached another server than the time before ({misses} time(s)):
--   {moves_after_down} after their server went DOWN, {moves_redispatched} redispatched when their server refused the
--   connection (retries, `option redispatch`), {moves_rehash} while their server stayed UP and another changed
--   state{?hash_map} (balance source hashes over the servers that are UP: without `hash-type consistent`, one server
--   going DOWN or UP moves the clients of the others too){/}, {moves_unexplained} with no server state change in the
--   log.
-- @advice {?moves_rehash}Use `hash-type consistent` so that only the clients of a server that changes state
--   move; {/}clients of a server that goes DOWN must move: make them resume their session on another server.
-- A client by its key, and the servers (and, to find source persistence, the backends) by theirs where only their
-- sameness counts: two sessions have the same key exactly when they have the same name, and integers group and sort
-- faster than text (2 M sessions: 0.55 → 0.13 s; the backends by key: 0.13–0.15 → 0.10 s).
WITH s AS NOT MATERIALIZED (
  SELECT backend, backend_key, client_key, server, server_key, ts, redispatched FROM session_causes_keyed($since, $until, $backend)
  WHERE server <> '<NOSRV>' AND client_key IS NOT NULL AND ts IS NOT NULL
),
configured AS (
  SELECT name AS backend, balance LIKE 'source%' AND coalesce(hash_type, '') NOT LIKE 'consistent%' AS hash_map
  FROM config_proxies WHERE balance LIKE 'source%' OR stick LIKE '%src%'
),
-- Without a configuration, each client's sessions per backend and the servers they reached (one when the least
-- and the greatest are the same).
per_client AS (
  SELECT backend_key, client_key, count(*) AS n, min(server_key) AS lo, max(server_key) AS hi
  FROM s WHERE (SELECT count(*) FROM config_proxies) = 0 GROUP BY ALL
),
source_like AS (
  -- At least three returning clients, 80 % of them always on one server, and more than one server in use.
  SELECT (SELECT value FROM names WHERE id = backend_key) AS backend FROM per_client GROUP BY backend_key
  HAVING count(*) FILTER (WHERE n > 1) >= 3 AND count(*) FILTER (WHERE n > 1 AND lo = hi) >= 0.8 * count(*) FILTER (WHERE n > 1)
    AND min(lo) <> max(hi)
),
persistent AS (SELECT backend FROM configured UNION SELECT backend FROM source_like),
sequence AS (
  SELECT s.*, lag(server) OVER w AS prev_server, lag(ts) OVER w AS prev_ts
  FROM s WHERE backend IN (SELECT backend FROM persistent)
  WINDOW w AS (PARTITION BY backend, client_key ORDER BY ts)
),
moves AS (
  SELECT m.*,
    EXISTS (SELECT 1 FROM events e WHERE e.proxy = m.backend AND e.server = m.prev_server AND e.kind IN ('server.down', 'server.maintenance')
      AND e.ts BETWEEN m.prev_ts AND m.ts) AS after_down,
    EXISTS (SELECT 1 FROM events e WHERE e.proxy = m.backend AND e.kind IN ('server.down', 'server.up', 'server.maintenance')
      AND e.ts BETWEEN m.prev_ts AND m.ts) AS state_changed
  FROM sequence m WHERE m.prev_server IS NOT NULL AND m.prev_server <> m.server
),
counted AS (
  SELECT p.backend, 'source' AS method,
    (SELECT count(*) FROM s x WHERE x.backend = p.backend) AS connections,
    count(m.server) AS misses,
    count(DISTINCT m.client_key) AS clients_moved,
    count(m.server) FILTER (WHERE m.after_down) AS moves_after_down,
    count(m.server) FILTER (WHERE NOT m.after_down AND m.redispatched) AS moves_redispatched,
    count(m.server) FILTER (WHERE NOT m.after_down AND NOT m.redispatched AND m.state_changed) AS moves_rehash,
    count(m.server) FILTER (WHERE NOT m.after_down AND NOT m.redispatched AND NOT m.state_changed) AS moves_unexplained,
    (SELECT count(*) FROM events e WHERE e.proxy = p.backend AND e.kind = 'server.down') AS server_down_events,
    coalesce(any_value(c.hash_map), false) AS hash_map
  FROM persistent p LEFT JOIN moves m USING (backend) LEFT JOIN configured c USING (backend)
  GROUP BY p.backend
)
SELECT backend, method, connections, misses,
  CASE WHEN connections > 0 THEN misses / connections ELSE 0 END AS miss_rate,
  struct_pack(clients_moved := clients_moved, server_down_events := server_down_events, moves_after_down := moves_after_down,
    moves_redispatched := moves_redispatched, moves_rehash := moves_rehash, moves_unexplained := moves_unexplained) AS reasons,
  clients_moved, moves_after_down, moves_redispatched, moves_rehash, moves_unexplained, hash_map,
  CASE WHEN misses >= 0.05 * connections THEN 'warning' ELSE 'info' END AS severity
FROM counted WHERE connections > 0
ORDER BY misses DESC, backend;
