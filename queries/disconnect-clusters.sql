-- @name disconnect-clusters
-- @title Disconnects at a fixed interval
-- @description Among tunnels (101 and TCP mode), per backend, durations that pile up at one value (within
--   max(50 ms, 1 %)), far above the density around them, matched to the configured timeout that explains them.
--   Busy tunnels end at random times and form no cluster; tunnels that ended together in a mass disconnect
--   (mass_disconnect_bursts: same end time, a crash or a deploy) are not an interval either.
-- @param since, until, backend, min_count
-- @section disconnects
-- @fields backend, interval_ms, count, share, termination, timeout, verdict, advice
-- @finding disconnect
-- @rank 40
-- @id backend, termination, interval_key
-- @severity {severity}
-- @headline {count} tunnels of {backend} end after {interval_ms|ms} ({share_pct} %)
-- @detail {?directive}They match `{directive}` = {value_ms|ms}{?where_set} ({where_set}){/}; termination
--   {termination}.{/}{!directive}No HAProxy timeout explains this interval; termination {termination}.{/}
-- @advice[verdict=haproxy-timeout] {?directive=timeout tunnel}Idle tunnels are closed by `timeout tunnel
--   {value_text}`{?where_set} ({where_set}){/}: make clients ping more often than that, or raise it.{/}{!directive=timeout tunnel}Idle
--   tunnels die at `{directive} {value_text}`{?where_set} ({where_set}){/} because backend {backend} has no `timeout
--   tunnel`: add `timeout tunnel 1h` (or longer than the client's ping interval) to it.{/}
-- @advice[verdict=timeout-unknown-config] HAProxy itself cut these tunnels (termination {termination}) at
--   {interval_ms|ms}: a `timeout tunnel`, `timeout client` or `timeout server` of about {interval_ms|ms} is the
--   likely cause. Run again with --config haproxy.cfg to name it.
-- @advice[verdict=unexplained-timeout] HAProxy flagged a timeout (termination {termination}) at {interval_ms|ms} but
--   no configured timeout of this backend matches it: is the configuration given the one that was running?
-- @advice These tunnels end at {interval_ms|ms} without any HAProxy timeout (termination {termination}): something
--   outside HAProxy closes them — the backend's own idle timeout, a firewall, NAT or CDN/load-balancer idle timeout
--   in front.
WITH bursts AS (SELECT backend, server, start_ms FROM mass_disconnect_bursts($since, $until, $backend, $min_count)),
t AS (
  -- Narrow: the configured timeouts are looked up once per cluster (below), not carried by every tunnel; backend
  -- and frontend are their names' keys (session_causes_keyed: the same key exactly when the same name), which
  -- group faster than text, and are named once per cluster.
  SELECT s.backend_key AS backend, s.frontend_key AS frontend, s.duration_ms AS d, s.termination, s.term_cause, s.term_state
  FROM session_causes_keyed($since, $until, $backend) s
  ANTI JOIN bursts b ON b.backend = s.backend AND b.server = s.server
    AND epoch_ms(s.ts) + s.duration_ms BETWEEN b.start_ms AND b.start_ms + 999
  WHERE s.is_tunnel AND s.duration_ms IS NOT NULL
),
binned AS (
  -- Bins 50 ms wide below 5 s, 1 % wide above: the tolerance of a timer that fires a few ms late.
  -- Idle timeouts are seconds or more; tunnels that end within half a second are not idle disconnects.
  SELECT *, CAST(CASE WHEN d < 5000 THEN floor(d / 50) ELSE 100 + floor(ln(d / 5000.0) / ln(1.01)) END AS INTEGER) AS bin
  FROM t WHERE d >= 500
),
per_backend AS (SELECT backend, count(*) AS tunnels FROM t GROUP BY backend),
bins AS (SELECT backend, bin, count(*) AS n FROM binned GROUP BY backend, bin),
scored AS (
  -- A cluster may straddle two bins: count a bin with its larger neighbour; compare with the density around it.
  SELECT b.backend, b.bin, b.n,
    b.n + greatest(coalesce((SELECT n FROM bins x WHERE x.backend = b.backend AND x.bin = b.bin - 1), 0),
                   coalesce((SELECT n FROM bins x WHERE x.backend = b.backend AND x.bin = b.bin + 1), 0)) AS n2,
    coalesce((SELECT sum(n) FROM bins x WHERE x.backend = b.backend AND abs(x.bin - b.bin) BETWEEN 2 AND 12), 0) / 21.0 AS background,
    coalesce((SELECT max(n) FROM bins x WHERE x.backend = b.backend AND abs(x.bin - b.bin) = 1), 0) AS neighbour
  FROM bins b
),
clusters AS (
  SELECT s.*, p.tunnels FROM scored s JOIN per_backend p USING (backend)
  WHERE s.n >= s.neighbour                      -- the peak of its neighbourhood
    AND s.n2 >= 5 AND s.n2 >= 0.1 * p.tunnels     -- enough sessions to matter
    AND s.n2 >= 5 * (s.background + 0.2)          -- far denser than the durations around it
),
members AS (
  SELECT c.backend, c.bin, c.tunnels, m.*
  FROM clusters c JOIN binned m ON m.backend = c.backend AND m.bin BETWEEN c.bin - 1 AND c.bin + 1
    AND (m.bin = c.bin OR (SELECT n FROM bins x WHERE x.backend = c.backend AND x.bin = m.bin) <= c.n)
),
summarised_keys AS (
  SELECT backend, bin, any_value(tunnels) AS tunnels, count(*) AS count, round(median(d)) AS interval_ms, min(d) AS min_ms, max(d) AS max_ms,
    mode(termination) AS termination, list(DISTINCT termination ORDER BY termination) AS terminations,
    mode(frontend) AS frontend,
    count(*) FILTER (WHERE term_cause IN ('c', 's') AND term_state = 'D') AS timeout_flagged
  FROM members GROUP BY backend, bin
),
summarised AS (
  SELECT s.* REPLACE ((SELECT value FROM names WHERE id = s.backend) AS backend, (SELECT value FROM names WHERE id = s.frontend) AS frontend)
  FROM summarised_keys s
),
configured AS (
  -- The backend's `timeout tunnel` and `timeout server`, and the `timeout client` of the frontend most of the
  -- cluster came through: session_causes' columns, looked up for one cluster rather than for every tunnel.
  SELECT s.*, tt.ms AS tunnel_ms, tt.text AS tunnel_text, tt.where_set AS tunnel_where,
    tc.ms AS client_ms, tc.text AS client_text, tc.where_set AS client_where,
    ts.ms AS server_ms, ts.text AS server_text, ts.where_set AS server_where
  FROM summarised s
  LEFT JOIN proxy_timeouts() tt ON tt.proxy = s.backend AND tt.name = 'tunnel'
  LEFT JOIN proxy_timeouts() tc ON tc.proxy = s.frontend AND tc.name = 'client'
  LEFT JOIN proxy_timeouts() ts ON ts.proxy = s.backend AND ts.name = 'server'
),
candidates AS (
  -- The timeouts that can cut an idle tunnel of this backend, in HAProxy's order of precedence.
  SELECT s.*, c.directive, c.value_ms, c.value_text, c.where_set
  FROM configured s
  LEFT JOIN LATERAL (
    SELECT * FROM (VALUES
      ('timeout tunnel', s.tunnel_ms, s.tunnel_text, s.tunnel_where, 1),
      ('timeout client', CASE WHEN s.tunnel_ms IS NULL THEN s.client_ms END, s.client_text, s.client_where, 2),
      ('timeout server', CASE WHEN s.tunnel_ms IS NULL THEN s.server_ms END, s.server_text, s.server_where, 3)
    ) v(directive, value_ms, value_text, where_set, rank)
    WHERE value_ms IS NOT NULL
      -- A timer fires at its value and is logged a little later, never earlier.
      AND s.interval_ms BETWEEN value_ms - 50 AND value_ms + greatest(250, 0.02 * value_ms)
    ORDER BY abs(s.interval_ms - value_ms), rank
    LIMIT 1
  ) c ON true
)
SELECT backend, frontend, interval_ms, min_ms, max_ms, count, round(count / tunnels, 4) AS share, round(100 * count / tunnels) AS share_pct,
  tunnels, termination, terminations, timeout_flagged, directive, value_ms, value_text, where_set,
  CASE WHEN directive IS NOT NULL THEN struct_pack(directive := directive, value_ms := value_ms, "where" := where_set) END AS timeout,
  CASE WHEN directive IS NOT NULL THEN 'haproxy-timeout'
       WHEN timeout_flagged * 2 >= count AND (SELECT count(*) FROM config_timeouts) = 0 THEN 'timeout-unknown-config'
       WHEN timeout_flagged * 2 >= count THEN 'unexplained-timeout'
       ELSE 'outside-haproxy' END AS verdict,
  CASE WHEN count >= 0.3 * tunnels THEN 'critical' ELSE 'warning' END AS severity,
  -- The same cluster across runs: its timeout, or its interval to two significant digits.
  coalesce(directive, CAST(round(interval_ms, 1 - CAST(floor(log10(interval_ms)) AS INTEGER)) AS VARCHAR)) AS interval_key
FROM candidates
ORDER BY count DESC, backend, interval_ms;
