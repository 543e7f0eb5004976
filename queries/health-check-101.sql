-- @name health-check-101
-- @title Health checks aimed at a WebSocket endpoint
-- @description Servers marked DOWN because their health check got `101 Switching Protocols` (the check sent an
--   Upgrade request, or checks a WebSocket path, and expects 200), with the 503s that followed on the backend.
-- @param since, until, backend
WITH down AS (
  SELECT proxy AS backend, server, min(ts) AS first, max(ts) AS last, count(*) AS events, any_value(reason) AS reason, any_value(check_info) AS info
  FROM events WHERE kind IN ('server.down', 'check.failed') AND check_code = 101
    -- Only events inside the window; with a window, an event without a time stamp cannot be placed in it.
    AND ($since IS NULL OR ts >= CAST($since AS TIMESTAMP)) AND ($until IS NULL OR ts < CAST($until AS TIMESTAMP))
  GROUP BY ALL
)
SELECT d.*,
  (SELECT count(*) FROM session_causes($since, $until, $backend) s WHERE s.backend = d.backend AND s.cause = 'no-server') AS no_server_503,
  p.httpchk_method, p.httpchk_uri, p.httpchk_headers, p.httpchk_expect, p.file || ':' || p.line AS proxy_where
FROM down d LEFT JOIN config_proxies p ON p.name = d.backend
WHERE $backend IS NULL OR d.backend = $backend
ORDER BY d.first NULLS FIRST, d.backend, d.server;
