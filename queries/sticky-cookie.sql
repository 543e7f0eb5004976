-- @name sticky-cookie
-- @title Cookie persistence misses
-- @description Per backend that uses cookie persistence (from the cookie flags, 3rd and 4th characters of the
--   termination state, section 8.5): sessions whose cookie named a DOWN server (D), was invalid (I), expired (E)
--   or too old (O), and clients that come back again and again without a cookie (N): they do not keep cookies.
-- @param since, until, backend, repeat_threshold
WITH s AS (
  SELECT backend, client_ip, term_cookie_client AS c FROM session_causes($since, $until, $backend)
  WHERE term_cookie_client IS NOT NULL AND server <> '<NOSRV>'
),
persistent AS (
  -- Backends where cookies are in play: some session carried or was given one.
  SELECT backend FROM s GROUP BY backend HAVING count(*) FILTER (WHERE c IN ('V', 'D', 'I', 'E', 'O')) > 0
    OR backend IN (SELECT name FROM config_proxies WHERE cookie_name IS NOT NULL)
),
no_cookie_clients AS (
  SELECT backend, client_ip, count(*) AS n FROM s WHERE c = 'N' GROUP BY ALL HAVING count(*) >= $repeat_threshold
)
SELECT s.backend, 'cookie' AS method, count(*) AS connections,
  count(*) FILTER (WHERE c IN ('D', 'I', 'E', 'O')) + coalesce(any_value(nc.repeat_sessions), 0) AS misses,
  count(*) FILTER (WHERE c = 'D') AS down_server,
  count(*) FILTER (WHERE c = 'I') AS invalid,
  count(*) FILTER (WHERE c = 'E') AS expired,
  count(*) FILTER (WHERE c = 'O') AS too_old,
  coalesce(any_value(nc.repeat_sessions), 0) AS no_cookie_repeat,
  coalesce(any_value(nc.clients), 0) AS no_cookie_clients
FROM s
JOIN persistent USING (backend)
LEFT JOIN (SELECT backend, sum(n) - count(*) AS repeat_sessions, count(*) AS clients FROM no_cookie_clients GROUP BY backend) nc USING (backend)
GROUP BY s.backend ORDER BY misses DESC, s.backend;
