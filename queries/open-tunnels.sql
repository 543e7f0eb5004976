-- @name open-tunnels
-- @title Open tunnels (estimate)
-- @description Per backend that upgrades, how many tunnels are open at the end of the scope. Sessions are logged
--   when they end, so the open ones are not in the log yet: HAProxy's own count of the backend's connections
--   (beconn) on its newest line says it best; where the format has no beconn, Little's law estimates it (tunnels
--   per second × their mean duration).
-- @param since, until, backend
WITH t AS (
  SELECT backend, ts, beconn, duration_ms FROM sessions
  WHERE upgraded AND ts IS NOT NULL
    AND ($since IS NULL OR ts >= CAST($since AS TIMESTAMP))
    AND ($until IS NULL OR ts < CAST($until AS TIMESTAMP))
    AND ($backend IS NULL OR backend = $backend)
),
per_backend AS (
  SELECT backend, arg_max(beconn, ts) AS beconn,
    round(count(*) / greatest((epoch_ms(max(ts)) - epoch_ms(min(ts))) / 1000.0, 1) * avg(duration_ms) / 1000.0) AS littles_law
  FROM t GROUP BY backend
)
SELECT backend, beconn, littles_law, coalesce(beconn, littles_law) AS open
FROM per_backend ORDER BY backend;
