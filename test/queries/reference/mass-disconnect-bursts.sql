-- @name mass-disconnect-bursts
-- @title Tunnels of one server ending together
-- @description Defines the table macro mass_disconnect_bursts(since, until, backend, min_count): per server, the
--   second (a sliding window, so a burst at :53.997 is not split) in which at least min_count of its tunnels ended,
--   ten times its usual rate or more, when the server or HAProxy cut them (SD, K…) or the server went DOWN right
--   after (a SIGKILLed server's tunnels are logged `----`, like a clean close: the kernel closes them
--   with a FIN; its health check notices a moment later). Mass disconnects, and the tunnels that fixed-interval
--   clusters leave out.
-- @kind setup
CREATE OR REPLACE TEMP MACRO mass_disconnect_bursts(since_ts, until_ts, backend_name, min_count) AS TABLE
WITH ended AS (
  SELECT backend, server, termination, duration_ms, CAST(epoch_ms(ts) + duration_ms AS BIGINT) AS end_ms
  FROM session_causes(since_ts, until_ts, backend_name)
  WHERE is_tunnel AND ts IS NOT NULL AND duration_ms IS NOT NULL AND server IS NOT NULL AND server <> '<NOSRV>'
),
usual AS (
  -- The server's usual rate of tunnel ends per second, over its span (at least a minute).
  SELECT backend, server, count(*) / greatest((max(end_ms) - min(end_ms)) / 1000.0, 60) AS per_second FROM ended GROUP BY ALL
),
windowed AS (
  SELECT backend, server, end_ms,
    count(*) OVER (PARTITION BY backend, server ORDER BY end_ms RANGE BETWEEN CURRENT ROW AND 999 FOLLOWING) AS in_window
  FROM ended
),
peaks AS (
  -- A window that holds more ends than any starting in the second before it, and at least as many as any
  -- starting in the second after: one per burst.
  SELECT DISTINCT backend, server, end_ms AS start_ms, in_window AS tunnels
  FROM (
    SELECT *,
      coalesce(max(in_window) OVER (PARTITION BY backend, server ORDER BY end_ms RANGE BETWEEN 1000 PRECEDING AND 1 PRECEDING), 0) AS before_max,
      coalesce(max(in_window) OVER (PARTITION BY backend, server ORDER BY end_ms RANGE BETWEEN 1 FOLLOWING AND 1000 FOLLOWING), 0) AS after_max
    FROM windowed
  )
  WHERE in_window >= min_count AND in_window > before_max AND in_window >= after_max
),
bursts AS (
  SELECT p.backend, p.server, p.start_ms, p.tunnels, u.per_second,
    -- Ended by the server or by HAProxy itself (SD, K, D…), not by a client or a timeout.
    count(*) FILTER (WHERE substr(e.termination, 1, 1) IN ('S', 'K', 'D', 'U', 'R', 'I')) AS cut,
    list(DISTINCT e.termination ORDER BY e.termination) FILTER (WHERE e.termination IS NOT NULL) AS terminations,
    max(e.end_ms) AS last_ms,
    median(e.duration_ms) AS median_duration_ms
  FROM peaks p
  JOIN usual u USING (backend, server)
  JOIN ended e ON e.backend = p.backend AND e.server = p.server AND e.end_ms BETWEEN p.start_ms AND p.start_ms + 999
  WHERE p.tunnels >= 10 * u.per_second
  GROUP BY ALL
),
explained AS (
  SELECT b.*,
    (SELECT count(*) FROM events e WHERE e.proxy = b.backend AND e.server = b.server AND e.kind = 'server.down'
       AND epoch_ms(e.ts) BETWEEN b.start_ms - 30000 AND b.last_ms + 30000) AS down_events_nearby,
    -- The DOWN that follows (or comes with) the burst: what ties clean closes to a crash.
    (SELECT min(e.ts) FROM events e WHERE e.proxy = b.backend AND e.server = b.server AND e.kind = 'server.down'
       AND epoch_ms(e.ts) BETWEEN b.start_ms - 2000 AND b.last_ms + 15000) AS down_after,
    (SELECT arg_min(e.reason, e.ts) FROM events e WHERE e.proxy = b.backend AND e.server = b.server AND e.kind = 'server.down'
       AND epoch_ms(e.ts) BETWEEN b.start_ms - 2000 AND b.last_ms + 15000) AS down_reason
  FROM bursts b
)
SELECT * FROM explained
-- Cut tunnels; or clean closes of tunnels that had lived (not a batch of short sessions) followed by a DOWN.
WHERE cut * 2 >= tunnels OR (down_after IS NOT NULL AND median_duration_ms >= 1000);
