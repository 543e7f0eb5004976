-- @name upgrade-denials
-- @param since, until, backend
SELECT backend, status, count() AS count, count(DISTINCT client_ip) AS clients, min(ts) AS first, max(ts) AS last
FROM session_causes(since_ts = {since:Nullable(DateTime64(6, 'UTC'))}, until_ts = {until:Nullable(DateTime64(6, 'UTC'))}, backend_name = {backend:Nullable(String)})
WHERE upgrade_requested AND status IN (403, 429) AND term_cause = 'P'
GROUP BY backend, status ORDER BY count DESC, backend, status;
