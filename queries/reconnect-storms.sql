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
WITH attempts AS (
  SELECT client_ip, backend, time_bucket(INTERVAL 1 MINUTE, ts) AS minute, cause
  FROM session_causes($since, $until, $backend)
  WHERE (upgrade_requested OR upgrade_inferred) AND ts IS NOT NULL
),
storms AS (
  -- Plain counts first (they spill to disk on large archives); the usual cause only for the storms found.
  SELECT client_ip, backend, minute, count(*) AS attempts, count(*) FILTER (WHERE cause <> 'ok') AS failed
  FROM attempts GROUP BY ALL HAVING count(*) >= $per_minute
  ORDER BY attempts DESC, minute, client_ip, backend LIMIT 50
)
SELECT s.*,
  (SELECT a.cause FROM attempts a WHERE a.client_ip = s.client_ip AND a.backend = s.backend AND a.minute = s.minute
   GROUP BY a.cause ORDER BY count(*) DESC, a.cause LIMIT 1) AS usual_cause
FROM storms s
ORDER BY attempts DESC, minute, client_ip, backend;
