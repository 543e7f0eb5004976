-- @name health-check-101
-- @param since, until, backend
-- Correlated counts → joins on counts per server and per backend.
WITH checked AS (
  SELECT proxy AS backend, server, min(ts) AS first, max(ts) AS last,
    countIf(kind = 'server.down') AS downs,
    countIf(kind = 'check.failed') AS failed_checks,
    any(reason) AS reason, any(check_info) AS info
  FROM events WHERE kind IN ('server.down', 'check.failed') AND check_code = 101
    AND ({since:Nullable(DateTime64(6, 'UTC'))} IS NULL OR ts >= {since:Nullable(DateTime64(6, 'UTC'))}) AND ({until:Nullable(DateTime64(6, 'UTC'))} IS NULL OR ts < {until:Nullable(DateTime64(6, 'UTC'))})
  GROUP BY proxy, server
),
uncoded AS (
  SELECT proxy, server, count() AS n FROM events WHERE kind = 'server.down' AND check_code IS NULL
    AND ({since:Nullable(DateTime64(6, 'UTC'))} IS NULL OR ts >= {since:Nullable(DateTime64(6, 'UTC'))}) AND ({until:Nullable(DateTime64(6, 'UTC'))} IS NULL OR ts < {until:Nullable(DateTime64(6, 'UTC'))})
  GROUP BY proxy, server
),
no_server AS (SELECT backend, count() AS n FROM session_causes(since_ts = {since:Nullable(DateTime64(6, 'UTC'))}, until_ts = {until:Nullable(DateTime64(6, 'UTC'))}, backend_name = {backend:Nullable(String)}) WHERE cause = 'no-server' GROUP BY backend)
SELECT d.backend AS backend, d.server AS server, d.first AS first, d.last AS last, d.downs + ifNull(u.n, 0) AS downs,
  d.failed_checks AS failed_checks, d.reason AS reason, d.info AS info, ifNull(n.n, 0) AS no_server_503,
  p.httpchk_method AS httpchk_method, p.httpchk_uri AS httpchk_uri, p.httpchk_headers AS httpchk_headers, p.httpchk_expect AS httpchk_expect,
  concat(p.file, ':', toString(p.line)) AS proxy_where
FROM checked d
LEFT JOIN uncoded u ON u.proxy = d.backend AND u.server = d.server
LEFT JOIN no_server n ON n.backend = d.backend
LEFT JOIN config_proxies p ON p.name = d.backend
WHERE {backend:Nullable(String)} IS NULL OR d.backend = {backend:Nullable(String)}
ORDER BY d.first NULLS FIRST, d.backend, d.server;
