-- @name sticky-cookie
-- @param since, until, backend, repeat_threshold
WITH s AS (
  SELECT backend, client_ip, term_cookie_client AS c FROM session_causes(since_ts = {since:Nullable(DateTime64(6, 'UTC'))}, until_ts = {until:Nullable(DateTime64(6, 'UTC'))}, backend_name = {backend:Nullable(String)})
  WHERE term_cookie_client IS NOT NULL AND server <> '<NOSRV>'
),
persistent AS (
  SELECT backend FROM s GROUP BY backend HAVING countIf(c IN ('V', 'D', 'I', 'E', 'O')) > 0
    OR backend IN (SELECT name FROM config_proxies WHERE cookie_name IS NOT NULL)
),
no_cookie_clients AS (
  SELECT backend, client_ip, count() AS n FROM s WHERE c = 'N' GROUP BY backend, client_ip HAVING count() >= {repeat_threshold:Nullable(Int64)}
),
repeats AS (SELECT backend, sum(n) - count() AS repeat_sessions, count() AS clients FROM no_cookie_clients GROUP BY backend),
counted AS (
  SELECT s.backend AS backend, 'cookie' AS method, count() AS connections,
    countIf(c IN ('D', 'I', 'E', 'O')) + ifNull(any(nc.repeat_sessions), 0) AS misses,
    CAST((countIf(c = 'D'), countIf(c = 'I'), countIf(c = 'E'), countIf(c = 'O'), ifNull(any(nc.repeat_sessions), 0)),
      'Tuple(down_server Int64, invalid Int64, expired Int64, too_old Int64, no_cookie_repeat Int64)') AS reasons,
    ifNull(any(nc.clients), 0) AS no_cookie_clients
  FROM s
  JOIN persistent p ON p.backend = s.backend
  LEFT JOIN repeats nc ON nc.backend = s.backend
  GROUP BY s.backend
)
SELECT *, if(connections > 0, misses / connections, 0) AS miss_rate,
  if(misses >= 0.05 * connections, 'warning', 'info') AS severity,
  arrayStringConcat(arrayFilter(x -> x != '', [
    if(reasons.down_server > 0, concat('down server ', toString(reasons.down_server)), ''),
    if(reasons.invalid > 0, concat('invalid ', toString(reasons.invalid)), ''),
    if(reasons.expired > 0, concat('expired ', toString(reasons.expired)), ''),
    if(reasons.too_old > 0, concat('too old ', toString(reasons.too_old)), ''),
    if(reasons.no_cookie_repeat > 0, concat('no cookie repeat ', toString(reasons.no_cookie_repeat)), '')]), ', ') AS reason_text
FROM counted ORDER BY misses DESC, backend;
