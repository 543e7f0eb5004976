-- @name reconnect-storms
-- @param since, until, backend, per_minute
-- The correlated usual cause → a join on the causes counted per client and minute.
WITH attempts AS (
  SELECT client_ip, backend, toStartOfMinute(ts) AS minute, cause
  FROM session_causes(since_ts = {since:Nullable(DateTime64(6, 'UTC'))}, until_ts = {until:Nullable(DateTime64(6, 'UTC'))}, backend_name = {backend:Nullable(String)})
  WHERE (upgrade_requested OR upgrade_inferred) AND ts IS NOT NULL
),
storms AS (
  SELECT client_ip, backend, minute, count() AS attempts, countIf(cause <> 'ok') AS failed
  FROM attempts GROUP BY client_ip, backend, minute HAVING count() >= {per_minute:Nullable(Int64)}
  ORDER BY attempts DESC, minute, client_ip, backend LIMIT 50
),
causes AS (
  SELECT client_ip, backend, minute, cause, count() AS n FROM attempts GROUP BY client_ip, backend, minute, cause
),
usual AS (
  SELECT client_ip, backend, minute, argMin(cause, (-toInt64(n), cause)) AS usual_cause FROM causes GROUP BY client_ip, backend, minute
)
SELECT s.client_ip AS client_ip, s.backend AS backend, s.minute AS minute, s.attempts AS attempts, s.failed AS failed, u.usual_cause AS usual_cause
FROM storms s LEFT JOIN usual u ON u.client_ip = s.client_ip AND u.backend = s.backend AND u.minute = s.minute
ORDER BY attempts DESC, minute, client_ip, backend;
