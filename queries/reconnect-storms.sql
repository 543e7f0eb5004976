-- @name reconnect-storms
-- @title Reconnect storms
-- @description Clients that open many upgrade requests within one minute: a client retry loop, or a backend
--   that drops them at once. (A whole fleet reconnecting at once is reconnect-waves.sql.)
-- @param since, until, backend, per_minute
-- @section details
-- @finding reconnect-storm
-- @rank 50
-- @id client_ip, backend, minute
-- @severity warning
-- @headline Client {client_ip} opened {attempts} WebSocket upgrades to {backend} in one minute
-- @detail {failed} failed; usual cause {usual_cause}; minute {minute}.
-- @advice A reconnect loop without backoff: add exponential backoff with jitter in the client, and find why its
--   connections end.
-- Clients and backends by their keys (session_causes_keyed: the same key exactly when the same name), which group
-- faster than text; only the storms found get their address and backend as text (2 M sessions: 0.21–0.31 → 0.09–0.14 s).
WITH attempts AS NOT MATERIALIZED (
  SELECT client_key, backend_key, time_bucket(INTERVAL 1 MINUTE, ts) AS minute, cause
  FROM session_causes_keyed($since, $until, $backend)
  WHERE (upgrade_requested OR upgrade_inferred) AND ts IS NOT NULL
),
counted AS (
  -- Plain counts first (they spill to disk on large archives); the usual cause only for the storms found.
  SELECT client_key, backend_key, minute, count(*) AS attempts, count(*) FILTER (WHERE cause <> 'ok') AS failed
  FROM attempts GROUP BY ALL HAVING count(*) >= $per_minute
),
named AS (
  SELECT DISTINCT x.client_key, x.backend_key, x.client_ip, x.backend
  FROM session_causes_keyed($since, $until, $backend) x
  SEMI JOIN counted c ON c.client_key = x.client_key AND c.backend_key = x.backend_key
),
storms AS (
  SELECT n.client_ip, n.backend, c.minute, c.attempts, c.failed, c.client_key, c.backend_key
  FROM counted c JOIN named n USING (client_key, backend_key)
  ORDER BY attempts DESC, minute, client_ip, backend LIMIT 50
)
SELECT s.* EXCLUDE (client_key, backend_key),
  (SELECT a.cause FROM attempts a WHERE a.client_key = s.client_key AND a.backend_key = s.backend_key AND a.minute = s.minute
   GROUP BY a.cause ORDER BY count(*) DESC, a.cause LIMIT 1) AS usual_cause
FROM storms s
ORDER BY attempts DESC, minute, client_ip, backend;
