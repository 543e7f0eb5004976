-- @name reconnect-storms
-- @title Reconnect storms
-- @description Clients that open many upgrade requests within one minute: a client retry loop, or a backend
--   that drops them at once.
-- @param since, until, backend, per_minute
SELECT client_ip, backend, time_bucket(INTERVAL 1 MINUTE, ts) AS minute, count(*) AS attempts,
  count(*) FILTER (WHERE cause <> 'ok') AS failed, mode(cause) AS usual_cause
FROM session_causes($since, $until, $backend)
WHERE upgrade_requested AND ts IS NOT NULL
GROUP BY ALL HAVING count(*) >= $per_minute
ORDER BY attempts DESC, minute, client_ip, backend LIMIT 50;
