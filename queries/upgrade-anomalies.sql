-- @name upgrade-anomalies
-- @title Malformed upgrade requests
-- @description WebSocket upgrades that cannot work: an Upgrade header with a Connection header without the
--   `upgrade` token, where the log shows the Connection header (some line of the frontend carries one). The
--   server then refuses it (400, 426), or answers 101 anyway and HAProxy refuses that answer (502 PH). WebSocket
--   over HTTP/2 (RFC 8441, `GET https://host/path HTTP/2.0` and 101) is not one of them.
-- @param since, until, backend
-- @section details
-- @finding upgrade-anomaly
-- @rank 45
-- @id backend, problem
-- @severity warning
-- @headline {count} WebSocket upgrade requests to {backend}: Connection header lacks "upgrade"
-- @detail Connection values: {?connection_values}{connection_values}{/}{!connection_values}none{/}; {refused} refused by the server,
--   {bad_response} answered 101 by the server and refused by HAProxy (502 PH: a 101 the request did not ask for),
--   {upgraded_anyway} upgraded anyway.
-- @advice A proxy or client in front strips the Connection: Upgrade header (or sends `Connection: close`/`keep-alive`
--   instead); fix it there.
SELECT backend, 'connection-without-upgrade' AS problem,
  count(*) AS count, count(*) FILTER (WHERE upgraded) AS upgraded_anyway,
  count(*) FILTER (WHERE term_cause = 'P' AND term_state = 'H') AS bad_response,
  count(*) FILTER (WHERE status BETWEEN 400 AND 499) AS refused,
  min(ts) AS first, max(ts) AS last,
  coalesce(list(DISTINCT connection_header ORDER BY connection_header) FILTER (WHERE connection_header IS NOT NULL), [])[1:5] AS connection_values
FROM session_causes($since, $until, $backend)
WHERE connection_without_upgrade AND coalesce(http_version, '') NOT LIKE 'HTTP/2%'
GROUP BY ALL ORDER BY count DESC, backend;
