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
seconds AS (
  SELECT backend, server, CAST(floor(end_ms / 1000.0) AS BIGINT) AS second, count(*) AS n FROM ended GROUP BY ALL
),
-- Whole seconds where a burst can start: a one-second window lies within its second and the next, so those two
-- must hold at least as many ends as a burst has (min_count, and ten times the usual rate). Only the ends around
-- them are looked at one by one: on a day of normal traffic, none.
candidates AS (
  SELECT s.backend, s.server, s.second
  FROM seconds s
  JOIN usual u ON u.backend = s.backend AND u.server = s.server
  LEFT JOIN seconds x ON x.backend = s.backend AND x.server = s.server AND x.second = s.second + 1
  WHERE s.n + coalesce(x.n, 0) >= greatest(min_count, 10 * u.per_second)
),
-- The ends from the second before a candidate to three after: every end the windows below count for a window
-- that starts in a candidate second, and for the windows starting up to a second before and after it.
near AS (
  SELECT e.*, CAST(floor(e.end_ms / 1000.0) AS BIGINT) AS second
  FROM ended e
  SEMI JOIN candidates c ON c.backend = e.backend AND c.server = e.server
    AND CAST(floor(e.end_ms / 1000.0) AS BIGINT) BETWEEN c.second - 1 AND c.second + 3
),
windowed AS (
  SELECT backend, server, end_ms, second,
    count(*) OVER (PARTITION BY backend, server ORDER BY end_ms RANGE BETWEEN CURRENT ROW AND 999 FOLLOWING) AS in_window
  FROM near
),
peaks AS (
  -- A window that holds more ends than any starting in the second before it, and at least as many as any
  -- starting in the second after: one per burst.
  SELECT DISTINCT w.backend, w.server, w.end_ms AS start_ms, w.in_window AS tunnels
  FROM (
    SELECT *,
      coalesce(max(in_window) OVER (PARTITION BY backend, server ORDER BY end_ms RANGE BETWEEN 1000 PRECEDING AND 1 PRECEDING), 0) AS before_max,
      coalesce(max(in_window) OVER (PARTITION BY backend, server ORDER BY end_ms RANGE BETWEEN 1 FOLLOWING AND 1000 FOLLOWING), 0) AS after_max
    FROM windowed
  ) w
  -- Starting in a candidate second, where the counts above are those over every end.
  SEMI JOIN candidates c ON c.backend = w.backend AND c.server = w.server AND c.second = w.second
  WHERE w.in_window >= min_count AND w.in_window > w.before_max AND w.in_window >= w.after_max
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
  JOIN near e ON e.backend = p.backend AND e.server = p.server AND e.end_ms BETWEEN p.start_ms AND p.start_ms + 999
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
