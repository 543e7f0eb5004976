-- @name mass-disconnects
-- @title Mass disconnects
-- @description Many tunnels of one server ending within the same second: a restart, a deploy or a crash.
-- @param since, until, backend, min_count
WITH ended AS (
  SELECT backend, server, date_trunc('second', ts + to_milliseconds(CAST(duration_ms AS BIGINT))) AS second, termination
  FROM session_causes($since, $until, $backend) WHERE is_tunnel AND ts IS NOT NULL AND duration_ms IS NOT NULL AND server <> '<NOSRV>'
),
bursts AS (
  SELECT backend, server, second, count(*) AS tunnels, list(DISTINCT termination ORDER BY termination) AS terminations
  FROM ended GROUP BY ALL HAVING count(*) >= $min_count
)
SELECT b.*,
  (SELECT count(*) FROM events e WHERE e.proxy = b.backend AND e.server = b.server AND e.kind = 'server.down'
     AND e.ts BETWEEN b.second - INTERVAL 30 SECOND AND b.second + INTERVAL 30 SECOND) AS down_events_nearby
FROM bursts b ORDER BY tunnels DESC, second, backend, server LIMIT 50;
