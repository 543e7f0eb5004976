-- @name sticky-source
-- @param since, until, backend
-- By hand: the correlated counts and EXISTS → joins on counts per backend, and on the backend's server events
-- between a client's two sessions; lag → lagInFrame over the partition so far.
WITH s AS (
  SELECT node, source_id, line_no, backend, client_ip, server, ts, redispatched FROM session_causes(since_ts = {since:Nullable(DateTime64(6, 'UTC'))}, until_ts = {until:Nullable(DateTime64(6, 'UTC'))}, backend_name = {backend:Nullable(String)})
  WHERE server <> '<NOSRV>' AND client_ip IS NOT NULL AND ts IS NOT NULL
),
per_client AS (
  SELECT backend, client_ip, count() AS n, count(DISTINCT server) AS servers FROM s GROUP BY backend, client_ip
),
configured AS (
  SELECT name AS backend, toBool(balance LIKE 'source%' AND ifNull(hash_type, '') NOT LIKE 'consistent%') AS hash_map
  FROM config_proxies WHERE balance LIKE 'source%' OR stick LIKE '%src%'
),
servers_seen AS (SELECT backend, count(DISTINCT server) AS servers, count() AS connections FROM s GROUP BY backend),
source_like AS (
  SELECT pc.backend AS backend FROM per_client pc JOIN servers_seen v ON v.backend = pc.backend WHERE pc.n > 1 GROUP BY pc.backend
  HAVING (SELECT count() FROM config_proxies) = 0
    AND count() >= 3 AND countIf(pc.servers = 1) >= 0.8 * count()
    AND any(v.servers) > 1
),
persistent AS (SELECT DISTINCT backend FROM (SELECT backend FROM configured UNION ALL SELECT backend FROM source_like)),
sequence AS (
  SELECT s.*,
    lagInFrame(toNullable(server)) OVER (PARTITION BY backend, client_ip ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS prev_server,
    lagInFrame(toNullable(ts)) OVER (PARTITION BY backend, client_ip ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS prev_ts
  FROM s WHERE backend IN (SELECT backend FROM persistent)
),
changes AS (SELECT proxy, server, kind, ts FROM events WHERE kind IN ('server.down', 'server.up', 'server.maintenance')),
moves AS (
  SELECT m.node AS node, m.source_id AS source_id, m.line_no AS line_no, any(m.backend) AS backend, any(m.client_ip) AS client_ip,
    any(m.server) AS server, any(m.redispatched) AS redispatched,
    countIf(e.server = m.prev_server AND e.kind IN ('server.down', 'server.maintenance') AND e.ts BETWEEN m.prev_ts AND m.ts) > 0 AS after_down,
    countIf(e.ts BETWEEN m.prev_ts AND m.ts) > 0 AS state_changed
  FROM sequence m LEFT JOIN changes e ON e.proxy = m.backend
  WHERE m.prev_server IS NOT NULL AND m.prev_server <> m.server
  GROUP BY m.node, m.source_id, m.line_no
),
downs AS (SELECT proxy, count() AS n FROM events WHERE kind = 'server.down' GROUP BY proxy),
counted AS (
  SELECT p.backend AS backend, 'source' AS method,
    ifNull(any(v.connections), 0) AS connections,
    count(m.server) AS misses,
    count(DISTINCT m.client_ip) AS clients_moved,
    countIf(m.server IS NOT NULL AND m.after_down) AS moves_after_down,
    countIf(m.server IS NOT NULL AND NOT m.after_down AND m.redispatched) AS moves_redispatched,
    countIf(m.server IS NOT NULL AND NOT m.after_down AND NOT m.redispatched AND m.state_changed) AS moves_rehash,
    countIf(m.server IS NOT NULL AND NOT m.after_down AND NOT m.redispatched AND NOT m.state_changed) AS moves_unexplained,
    ifNull(any(d.n), 0) AS server_down_events,
    toBool(ifNull(any(c.hash_map), false)) AS hash_map
  FROM persistent p LEFT JOIN moves m ON m.backend = p.backend LEFT JOIN configured c ON c.backend = p.backend
  LEFT JOIN servers_seen v ON v.backend = p.backend LEFT JOIN downs d ON d.proxy = p.backend
  GROUP BY p.backend
)
SELECT backend, method, connections, misses,
  if(connections > 0, misses / connections, 0) AS miss_rate,
  CAST((clients_moved, server_down_events, moves_after_down, moves_redispatched, moves_rehash, moves_unexplained),
    'Tuple(clients_moved Int64, server_down_events Int64, moves_after_down Int64, moves_redispatched Int64, moves_rehash Int64, moves_unexplained Int64)') AS reasons,
  clients_moved, moves_after_down, moves_redispatched, moves_rehash, moves_unexplained, hash_map,
  if(misses >= 0.05 * connections, 'warning', 'info') AS severity
FROM counted WHERE connections > 0
ORDER BY misses DESC, backend;
