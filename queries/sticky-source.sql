-- @name sticky-source
-- @title Source persistence misses
-- @description Backends that balance on the source address (`balance source`, `stick on src`; without a
--   configuration: backends where almost every returning client always reached the same server): clients served
--   by more than one server, with the server DOWN events that explain the move.
-- @param since, until, backend
WITH s AS (
  SELECT backend, client_ip, server, ts FROM session_causes($since, $until, $backend) WHERE server <> '<NOSRV>' AND client_ip IS NOT NULL
),
per_client AS (
  SELECT backend, client_ip, count(*) AS n, count(DISTINCT server) AS servers, list(DISTINCT server ORDER BY server) AS server_list,
    min(ts) AS first, max(ts) AS last
  FROM s GROUP BY ALL
),
configured AS (
  SELECT name AS backend FROM config_proxies WHERE balance LIKE 'source%' OR stick LIKE '%src%'
),
source_like AS (
  SELECT backend FROM per_client WHERE n > 1 GROUP BY backend
  HAVING (SELECT count(*) FROM config_proxies) = 0
    AND count(*) >= 3 AND count(*) FILTER (WHERE servers = 1) >= 0.8 * count(*)
    AND (SELECT count(DISTINCT server) FROM s x WHERE x.backend = per_client.backend) > 1
)
SELECT p.backend, 'source' AS method, sum(p.n) AS connections,
  sum(CASE WHEN p.servers > 1 THEN p.servers - 1 ELSE 0 END) AS misses,
  count(*) FILTER (WHERE p.servers > 1) AS clients_moved,
  (SELECT count(*) FROM events e WHERE e.proxy = p.backend AND e.kind = 'server.down') AS server_down_events,
  p.backend IN (SELECT backend FROM configured) AS from_config
FROM per_client p
WHERE p.backend IN (SELECT backend FROM configured UNION SELECT backend FROM source_like)
GROUP BY p.backend ORDER BY misses DESC, p.backend;
