-- @name upgrade-anomalies
-- @title Malformed upgrade requests
-- @description WebSocket upgrades that cannot work: over HTTP/2 (RFC 8441 needs extended CONNECT), or with an
--   Upgrade header but a Connection header without the `upgrade` token (when the log carries them).
-- @param since, until, backend
SELECT backend,
  CASE WHEN http_version LIKE 'HTTP/2%' THEN 'http2' ELSE 'connection-without-upgrade' END AS problem,
  count(*) AS count, count(*) FILTER (WHERE upgraded) AS upgraded_anyway, min(ts) AS first, max(ts) AS last,
  list(DISTINCT connection_header ORDER BY connection_header) [1:5] AS connection_values
FROM session_causes($since, $until, $backend)
WHERE lower(upgrade_header) LIKE '%websocket%'
  AND (http_version LIKE 'HTTP/2%' OR connection_header IS NULL OR NOT regexp_matches(lower(connection_header), '(^|[\s,])upgrade($|[\s,])'))
  -- Only where the log shows the Connection header at all (some line of the backend in scope has one).
  AND (http_version LIKE 'HTTP/2%' OR backend IN (
    SELECT DISTINCT backend FROM session_causes($since, $until, $backend) WHERE connection_header IS NOT NULL))
GROUP BY ALL ORDER BY count DESC, backend, problem;
