-- @name mass-disconnects
-- @title Mass disconnects
-- @description Many tunnels of one server ending within the same second, cut (server abort, kill, timeout) or
--   next to a DOWN event of that server: a restart, a deploy or a crash. Tunnels that clients closed normally in
--   the same second (`----`, a burst of short sessions) are not counted as one.
-- @param since, until, backend, min_count
WITH ended AS (
  SELECT backend, server, date_trunc('second', ts + to_milliseconds(CAST(duration_ms AS BIGINT))) AS second, termination
  FROM session_causes($since, $until, $backend) WHERE is_tunnel AND ts IS NOT NULL AND duration_ms IS NOT NULL AND server <> '<NOSRV>'
),
bursts AS (
  SELECT backend, server, second, count(*) AS tunnels,
    count(*) FILTER (WHERE termination NOT LIKE '--%') AS cut,
    list(DISTINCT termination ORDER BY termination) AS terminations
  FROM ended GROUP BY ALL HAVING count(*) >= $min_count
),
explained AS (
  SELECT b.*,
    (SELECT count(*) FROM events e WHERE e.proxy = b.backend AND e.server = b.server AND e.kind = 'server.down'
       AND e.ts BETWEEN b.second - INTERVAL 30 SECOND AND b.second + INTERVAL 30 SECOND) AS down_events_nearby
  FROM bursts b
)
SELECT * FROM explained
WHERE cut * 2 >= tunnels OR down_events_nearby > 0
ORDER BY cut DESC, tunnels DESC, second, backend, server LIMIT 50;
