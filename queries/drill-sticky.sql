-- @name drill-sticky
-- @title The sticky-session misses of one backend
-- @description Enter on a row of Sticky: only the sessions counted as misses, as sticky-cookie.sql and
--   sticky-source.sql count them. Cookie persistence: sessions whose cookie named a DOWN server (D), was invalid
--   (I), expired (E) or too old (O), and every return after the first of a client that keeps coming back without a
--   cookie (N, $repeat_threshold times or more). Source persistence: the first session of a client on each server
--   after the first server it reached (a client served by n servers is n - 1 misses).
-- @kind rows
-- @param since, scope_backend, backend, method, repeat_threshold
WITH s AS (
  SELECT * FROM session_lines($since, NULL, $scope_backend) WHERE backend = $backend AND server <> '<NOSRV>'
),
cookie_misses AS (
  SELECT * FROM s WHERE $method = 'cookie' AND term_cookie_client IN ('D', 'I', 'E', 'O')
),
no_cookie_returns AS (
  SELECT * EXCLUDE (nth, n) FROM (
    SELECT *, row_number() OVER (PARTITION BY client_ip ORDER BY ts, source_id, line_no) AS nth,
      count(*) OVER (PARTITION BY client_ip) AS n
    FROM s WHERE $method = 'cookie' AND term_cookie_client = 'N'
  ) WHERE n >= $repeat_threshold AND nth > 1
),
moves AS (
  SELECT * EXCLUDE (on_server, first_server) FROM (
    SELECT *, row_number() OVER (PARTITION BY client_ip, server ORDER BY ts, source_id, line_no) AS on_server,
      first_value(server) OVER (PARTITION BY client_ip ORDER BY ts, source_id, line_no) AS first_server
    FROM s WHERE $method = 'source' AND client_ip IS NOT NULL
  ) WHERE on_server = 1 AND server <> first_server
),
misses AS (
  SELECT * FROM cookie_misses UNION ALL BY NAME SELECT * FROM no_cookie_returns UNION ALL BY NAME SELECT * FROM moves
)
SELECT epoch_us(coalesce(ts, TIMESTAMP '1970-01-01')) AS k, source_id, line_no, ts, has_raw AS raw, text FROM misses
