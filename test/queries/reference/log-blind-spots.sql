-- @name log-blind-spots
-- @title What the log cannot show
-- @description Per frontend, sessions whose end is not in the log: written at their start by `option logasap`
--   (a `+` on Ta, state `----`), or by a log-format without a termination state (%tsc/%ts). Their causes are
--   `logged-early`, or inferred from the duration, or `unknown`.
-- @param since, until, backend
-- @section details
-- @finding log-blind-spot
-- @rank 80
-- @id frontend, problem
-- @severity warning
-- @headline {count} sessions of {frontend} are logged {?problem=logasap}at their start (option logasap){/}{?problem=no-termination}without a termination state{/}: how {tunnels} tunnel(s) ended is not in the log
-- @detail {?problem=logasap}With `option logasap` a session is logged when its response headers arrive (the 101 for
--   a WebSocket): client aborts, idle timeouts and server crashes after it are invisible.{/}{?problem=no-termination}The
--   log-format has no %tsc (or %ts): {by_duration} tunnel(s) lasted exactly the timeout that ends idle tunnels there
--   and are named after it; {unknown} ended some other way, which the log cannot tell.{/}
-- @advice {?problem=logasap}Remove `option logasap` from the frontends that carry WebSockets.{/}{?problem=no-termination}Add
--   `%tsc` to the log-format (as `option httplog` has it).{/}
WITH s AS (SELECT * FROM session_causes($since, $until, $backend))
SELECT frontend, 'logasap' AS problem, count(*) AS count, count(*) FILTER (WHERE is_tunnel) AS tunnels, 0 AS by_duration, 0 AS unknown
FROM s WHERE cause = 'logged-early' GROUP BY frontend
UNION ALL
SELECT frontend, 'no-termination' AS problem, count(*) AS count, count(*) FILTER (WHERE is_tunnel) AS tunnels,
  count(*) FILTER (WHERE cause_confidence = 'duration') AS by_duration, count(*) FILTER (WHERE cause = 'unknown' AND is_tunnel) AS unknown
FROM s WHERE termination IS NULL GROUP BY frontend
ORDER BY count DESC, frontend, problem;
