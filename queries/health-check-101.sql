-- @name health-check-101
-- @title Health checks aimed at a WebSocket endpoint
-- @description Servers whose health check got `101 Switching Protocols` (the check sent an Upgrade request, or
--   checks a WebSocket path, and expects 200), how often that took them DOWN (a failed check is not a DOWN: with
--   `fall 2` two are), and the 503s that followed on the backend.
-- @param since, until, backend
-- @section details
-- @finding health-check-101
-- @rank 10
-- @id backend, server
-- @severity critical
-- @headline Health check of {backend}/{server} gets 101 from a WebSocket endpoint
-- @detail The check of {backend}/{server} got code 101 "{info}" ({reason}){?failed_checks}: {failed_checks} failed
--   check(s) logged{/}; the server went DOWN {downs} time(s){?first} from {first}{/}{!first} (at a time the log does
--   not carry){/}; {no_server_503} request(s) got 503 with no server available.
-- @advice The health check sends an Upgrade request or checks a WebSocket path and expects 200. Point `option
--   httpchk`/`http-check send` at a plain HTTP health URL, or `http-check expect status 101` if the endpoint must be
--   the WebSocket one.
WITH checked AS (
  SELECT proxy AS backend, server, min(ts) AS first, max(ts) AS last,
    count(*) FILTER (WHERE kind = 'server.down') AS downs,
    count(*) FILTER (WHERE kind = 'check.failed') AS failed_checks,
    any_value(reason) AS reason, any_value(check_info) AS info
  FROM events WHERE kind IN ('server.down', 'check.failed') AND check_code = 101
    -- Only events inside the window; with a window, an event without a time stamp (a raw log) cannot be placed in it.
    AND ($since IS NULL OR ts >= CAST($since AS TIMESTAMP)) AND ($until IS NULL OR ts < CAST($until AS TIMESTAMP))
  GROUP BY ALL
)
SELECT d.backend, d.server, d.first, d.last, d.downs + coalesce((
    -- With `option log-health-checks` the DOWN line carries no reason: count the DOWNs of a server whose checks got 101.
    SELECT count(*) FROM events e WHERE e.proxy = d.backend AND e.server = d.server AND e.kind = 'server.down' AND e.check_code IS NULL
      AND ($since IS NULL OR e.ts >= CAST($since AS TIMESTAMP)) AND ($until IS NULL OR e.ts < CAST($until AS TIMESTAMP))), 0) AS downs,
  d.failed_checks, d.reason, d.info,
  (SELECT count(*) FROM session_causes($since, $until, $backend) s WHERE s.backend = d.backend AND s.cause = 'no-server') AS no_server_503,
  p.httpchk_method, p.httpchk_uri, p.httpchk_headers, p.httpchk_expect, p.file || ':' || p.line AS proxy_where
FROM checked d LEFT JOIN config_proxies p ON p.name = d.backend
WHERE $backend IS NULL OR d.backend = $backend
ORDER BY d.first NULLS FIRST, d.backend, d.server;
