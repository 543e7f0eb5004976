-- @name errors
-- @param since, until, backend
-- By hand: a group is joined to its DOWN events, evidence lines and configuration by a key of its four values
-- (DuckDB's IS NOT DISTINCT FROM: a TCP group has no status); min_by(…, 3) → groupArraySorted(3); the correlated
-- lookups → joins; the evidence lines are looked up on their node too.
WITH s AS (SELECT * FROM session_causes(since_ts = {since:Nullable(DateTime64(6, 'UTC'))}, until_ts = {until:Nullable(DateTime64(6, 'UTC'))}, backend_name = {backend:Nullable(String)}) WHERE cause <> 'ok'),
grouped AS (
  SELECT toJSONString((status, cause, backend, server)) AS gkey, status, cause, backend, server,
    argMin(cause_confidence, indexOf(['none', 'inferred', 'guess', 'duration', 'status', 'config', 'flags'], cause_confidence)) AS confidence,
    count() AS count, min(ts) AS first, max(ts) AS last,
    arraySort(groupUniqArray(termination)) AS terminations,
    groupArraySorted(3)((toUnixTimestamp64Milli(ts), source_id, line_no, node)) AS samples,
    max(upgrade_inferred) AS inferred,
    arraySlice(arraySort(groupUniqArray(path_prefix)), 1, 3) AS paths,
    max(t_queue_ms) AS max_queue_ms,
    any(server_timeout_text) AS server_timeout,
    toBool(max(term_state = 'H')) AS response_timeout,
    toBool(NOT max(upgrade_visible)) AS upgrade_unseen,
    countIf(connection_without_upgrade) AS no_connection_upgrade
  FROM s GROUP BY status, cause, backend, server
),
downs AS (
  SELECT g.gkey AS gkey, e.ts AS ts, e.server AS down_server, e.kind AS kind, e.reason AS reason, e.check_code AS check_code, e.check_info AS check_info
  FROM grouped g JOIN events e ON e.proxy = g.backend
  WHERE e.kind IN ('server.down', 'check.failed')
    AND CASE WHEN g.server = '<NOSRV>' THEN g.cause IN ('no-server', 'timeout.queue') AND (e.ts IS NULL OR e.ts <= g.last + INTERVAL 5 SECOND)
             ELSE e.server = g.server AND e.ts BETWEEN g.first - INTERVAL 30 SECOND AND g.last + INTERVAL 30 SECOND END
),
down_lists AS (
  SELECT gkey, count() AS n,
    arrayMap(x -> x.2, arraySort(x -> x.1, groupArrayIf(
      ((ts IS NULL, -ifNull(toUnixTimestamp64Micro(ts), 0), down_server IS NULL, ifNull(down_server, '')),
       CAST((ts, down_server, reason, check_code, check_info),
         'Tuple(ts Nullable(DateTime64(6, \'UTC\')), server Nullable(String), reason Nullable(String), check_code Nullable(Int32), check_info Nullable(String))')),
      kind = 'server.down'))) AS down_events,
    toBool(max(check_code = 101)) AS check_101
  FROM downs GROUP BY gkey
),
evidence AS (
  SELECT k.gkey AS gkey, arrayMap(x -> x.2, arraySort(x -> x.1, groupArray((r.line_no, r.raw)))) AS lines
  FROM (SELECT gkey, sample.2 AS source_id, sample.3 AS line_no, sample.4 AS node FROM grouped ARRAY JOIN samples AS sample) k
  JOIN raw_lines r ON r.node = k.node AND r.source_id = k.source_id AND r.line_no = k.line_no
  GROUP BY k.gkey
),
maxconn AS (
  SELECT backend, arrayStringConcat(arrayMap(x -> concat(x.1, ' maxconn ', toString(x.2)), arraySort(groupArray((name, maxconn)))), ', ') AS maxconn_list
  FROM config_servers WHERE maxconn IS NOT NULL GROUP BY backend
),
queue_timeouts AS (SELECT proxy, text FROM proxy_timeouts WHERE name = 'queue'),
chained AS (
  SELECT g.*, d.n AS n, d.down_events AS all_down_events, d.check_101 AS check_101, arraySlice(ifNull(d.down_events, []), 1, 3) AS first_downs,
    arrayFilter(x -> x IS NOT NULL, arrayMap(e -> concat(e.server, ' DOWN ', coalesce(concat('at ', formatDateTime(e.ts, '%Y-%m-%d %H:%i:%S')), '(time not logged)'),
      coalesce(concat(' (', e.reason, coalesce(concat(', code ', toString(e.check_code)), ''), coalesce(concat(' "', e.check_info, '"'), ''), ')'), '')), first_downs)) AS chain
  FROM grouped g LEFT JOIN down_lists d ON d.gkey = g.gkey
)
SELECT g.status AS status, g.cause AS cause, g.confidence AS confidence, g.backend AS backend, g.server AS server, g.count AS count,
  g.first AS first, g.last AS last, g.terminations AS terminations,
  ifNull(v.lines, []) AS evidence,
  ifNull(g.n, 0) AS down_events_nearby,
  g.first_downs AS down_events,
  ifNull(g.check_101, false) AS check_101,
  if(empty(g.chain), NULL, arrayStringConcat(g.chain, '; ')) AS down_chain,
  m.maxconn_list AS maxconn_list,
  q.text AS queue_timeout,
  g.max_queue_ms AS max_queue_ms, g.server_timeout AS server_timeout, g.response_timeout AS response_timeout, g.upgrade_unseen AS upgrade_unseen,
  g.inferred AS inferred, g.paths AS paths, g.no_connection_upgrade AS no_connection_upgrade,
  toBool(g.confidence = 'guess') AS is_guess,
  toBool(ifNull(g.n, 0) > 0 AND g.cause LIKE 'server.%') AS server_went_down,
  CASE WHEN g.cause IN ('client.abort', 'logged-early', 'unknown') AND ifNull(g.status, 0) < 500 THEN 'info'
       WHEN g.status >= 500 OR g.cause IN ('server.abort', 'server.refused', 'server.hangup', 'server.bad-response', 'server.error',
         'no-server', 'timeout.connect', 'timeout.queue', 'timeout.upgrade', 'proxy.resource', 'proxy.internal') THEN 'critical'
       ELSE 'warning' END AS severity,
  toBool(NOT (g.cause = 'logged-early' OR (g.cause = 'unknown' AND ifNull(g.status, 0) < 500))) AS has_finding
FROM chained g
LEFT JOIN evidence v ON v.gkey = g.gkey
LEFT JOIN maxconn m ON m.backend = g.backend
LEFT JOIN queue_timeouts q ON q.proxy = g.backend
ORDER BY (g.status >= 500) DESC NULLS LAST, g.count DESC, g.cause, g.backend, g.server, g.status;
