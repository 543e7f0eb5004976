-- @name upgrade-denials
-- @title Upgrades denied by HAProxy
-- @description Upgrade requests HAProxy answered itself with 403 or 429 (http-request deny, rate limits: `PR` flags).
-- @param since, until, backend
-- @section details
-- @finding upgrade-denied
-- @rank 60
-- @id backend, status
-- @severity warning
-- @headline {count} upgrade requests to {backend} denied with {status} by HAProxy
-- @detail {clients} client(s), {first} to {last}.
-- @advice A rate limit or deny rule hits WebSocket upgrades: reconnecting clients multiply requests, so size limits
--   for reconnect bursts.
SELECT backend, status, count(*) AS count, count(DISTINCT client_ip) AS clients, min(ts) AS first, max(ts) AS last
FROM session_causes($since, $until, $backend)
WHERE upgrade_requested AND status IN (403, 429) AND term_cause = 'P'
GROUP BY ALL ORDER BY count DESC, backend, status;
