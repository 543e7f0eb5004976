-- @name sticky-cookie
-- @title Cookie persistence misses
-- @description Per backend that uses cookie persistence (from the cookie flags, 3rd and 4th characters of the
--   termination state, section 8.5): sessions whose cookie named a DOWN server (D), was invalid (I), expired (E)
--   or too old (O), and clients that come back again and again without a cookie (N): they do not keep cookies.
-- @param since, until, backend, repeat_threshold
-- @section sticky
-- @fields backend, method, connections, misses, miss_rate, reasons
-- @finding sticky
-- @rank 70
-- @id backend, method
-- @when misses
-- @severity {severity}
-- @headline {backend}: {misses} sticky-session misses ({miss_rate|pct} of {connections}, cookie)
-- @detail {reason_text}
-- @advice Clients lost their server: cookies naming a DOWN server were redispatched (enable `option redispatch` if
--   not set); clients that never return the cookie (N again and again) do not keep cookies (cross-site, privacy
--   settings, non-browser clients).
WITH s AS NOT MATERIALIZED (
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
),
counted AS (
  SELECT s.backend, 'cookie' AS method, count(*) AS connections,
    count(*) FILTER (WHERE c IN ('D', 'I', 'E', 'O')) + coalesce(any_value(nc.repeat_sessions), 0) AS misses,
    struct_pack(
      down_server := count(*) FILTER (WHERE c = 'D'),
      invalid := count(*) FILTER (WHERE c = 'I'),
      expired := count(*) FILTER (WHERE c = 'E'),
      too_old := count(*) FILTER (WHERE c = 'O'),
      no_cookie_repeat := coalesce(any_value(nc.repeat_sessions), 0)) AS reasons,
    coalesce(any_value(nc.clients), 0) AS no_cookie_clients
  FROM s
  JOIN persistent USING (backend)
  LEFT JOIN (SELECT backend, sum(n) - count(*) AS repeat_sessions, count(*) AS clients FROM no_cookie_clients GROUP BY backend) nc USING (backend)
  GROUP BY s.backend
)
SELECT *, CASE WHEN connections > 0 THEN misses / connections ELSE 0 END AS miss_rate,
  CASE WHEN misses >= 0.05 * connections THEN 'warning' ELSE 'info' END AS severity,
  concat_ws(', ',
    CASE WHEN reasons.down_server > 0 THEN 'down server ' || reasons.down_server END,
    CASE WHEN reasons.invalid > 0 THEN 'invalid ' || reasons.invalid END,
    CASE WHEN reasons.expired > 0 THEN 'expired ' || reasons.expired END,
    CASE WHEN reasons.too_old > 0 THEN 'too old ' || reasons.too_old END,
    CASE WHEN reasons.no_cookie_repeat > 0 THEN 'no cookie repeat ' || reasons.no_cookie_repeat END) AS reason_text
FROM counted ORDER BY misses DESC, backend;
