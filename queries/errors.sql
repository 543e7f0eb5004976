-- @name errors
-- @title Failures by cause
-- @description Sessions that did not end well, grouped by status, cause, backend and server, worst first, with
--   the first and last time seen, up to three raw lines as evidence, and the DOWN events of the server (of every
--   server of the backend when none was assigned: no server available, a queue timeout) that explain them.
-- @param since, until, backend
-- @section errors
-- @fields status, cause, confidence, backend, server, count, first, last, terminations, evidence, down_events_nearby, down_events, advice
-- @finding failure
-- @rank 20
-- @id status, cause, backend, server
-- @when has_finding
-- @severity {severity}
-- @headline {count} × {status} {cause|cause} on {backend}/{server}
-- @detail {count} session(s) with cause {cause}{?terminations} (termination {terminations}){/} from {first} to {last}.{?is_guess}
--   Without a configuration, which timeout fired is a guess.{/}{?confidence=duration} The log has no termination
--   state: they lasted the timeout that ends idle tunnels there.{/}{?inferred} No line shows the Upgrade header: taken
--   for upgrades because other requests to {backend} {paths} upgraded.{/}{?no_connection_upgrade}
--   {no_connection_upgrade} of them asked for `Upgrade: websocket` without `Connection: upgrade`{?cause=server.bad-response}:
--   the server answered 101 anyway, and HAProxy refused a 101 the request did not ask for{/}.{/}{?server_went_down} {backend}/{server}
--   went DOWN or failed its check within 30 s of them: a crash or restart of that server.{/}
-- @detail[cause=no-server] {count} request(s) found no server{?status} ({status}){/} from {first} to {last}: none of
--   {backend} was UP{?down_chain}: {down_chain} → no server available → {count} × {?status}{status}{/}{!status}SC{/}{/}{!down_chain}, and no
--   DOWN event of its servers is in the log{/}.
-- @detail[cause=timeout.queue] The servers of {backend} were at their maxconn{?maxconn_list} ({maxconn_list}){/}:
--   {count} request(s) waited {max_queue_ms|ms} in the queue{?queue_timeout} (timeout queue {queue_timeout}){/} and
--   gave up with 503, from {first} to {last}.
-- @detail[cause=unknown] {count} session(s) on {backend}/{server} with status {status} from {first} to {last}: the
--   log format has no termination state (%tsc), so who ended them and why is not in the log.
-- @advice {cause|advice}
-- @advice[cause=no-server] {?check_101}The health check gets 101 from a WebSocket endpoint: point `option
--   httpchk`/`http-check send` at a plain HTTP health URL, or `http-check expect status 101` if the endpoint must be
--   the WebSocket one.{/}{!check_101}Every server of the backend was DOWN or in maintenance{?down_chain}: see why their
--   checks failed (the reasons above), {/}{!down_chain}, and this log holds no DOWN line of them: HAProxy writes
--   `Server <backend>/<server> is DOWN`, with the reason, to its `log` targets — find those lines for {backend}, or
--   ask the runtime API (`show servers state`), to see why the checks failed; {/}bring one back or add a backup
--   server.{/}
-- @advice[cause=server.bad-response] {?no_connection_upgrade}A client or a proxy in front drops `Connection:
--   upgrade` from the upgrade request, and HAProxy refuses the 101 the server sends anyway: fix it there.{/}{!no_connection_upgrade}{cause|advice}{/}
-- @advice[cause=timeout.queue] Open tunnels hold server slots for as long as they live: raise the servers' maxconn
--   to what they can carry, add servers, or shorten `timeout queue` so that clients fail fast and retry elsewhere.
-- @advice[cause=timeout.upgrade] {cause|advice}{?inferred} Add `capture request header Upgrade len 32` to the
--   frontend to see upgrades in the log.{/}
-- @advice[cause=timeout.server] {?response_timeout}The server did not answer within `timeout
--   server`{?server_timeout} ({server_timeout}){/}: find why it is slow, or raise that timeout for slow
--   responses.{?upgrade_unseen} If these were WebSocket upgrades, the log cannot show it: add `capture request
--   header Upgrade len 32` to the frontend.{/}{/}{!response_timeout}{cause|advice}{/}
-- @advice[cause=upgrade.rejected] {?status=426}426 Upgrade Required: the server wants a WebSocket upgrade that did
--   not reach it: something in front drops the Upgrade and Connection headers, or the client calls the WebSocket URL
--   without upgrading.{/}{!status=426}{cause|advice}{/}{?inferred} Add `capture request header Upgrade len 32` to
--   the frontend to see upgrades in the log.{/}
-- @advice[cause=unknown] Add `%tsc` to the log-format (as `option httplog` has it): the termination state says who
--   ended each session and why.
WITH s AS (SELECT * FROM session_causes($since, $until, $backend) WHERE cause <> 'ok'),
grouped AS (
  SELECT status, cause, backend, server,
    -- The weakest way any of them was decided.
    arg_min(cause_confidence, list_position(['none', 'inferred', 'guess', 'duration', 'status', 'config', 'flags'], cause_confidence)) AS confidence,
    count(*) AS count, min(ts) AS first, max(ts) AS last,
    list(DISTINCT termination ORDER BY termination) FILTER (WHERE termination IS NOT NULL) AS terminations,
    -- The first three lines only: a list of every session of a large group would not fit in memory.
    min_by(struct_pack(source_id := source_id, line_no := line_no), (epoch_ms(ts), source_id, line_no), 3) AS samples,
    bool_or(upgrade_inferred) AS inferred,
    list(DISTINCT path_prefix ORDER BY path_prefix)[1:3] AS paths,
    max(t_queue_ms) AS max_queue_ms,
    any_value(server_timeout_text) AS server_timeout,
    bool_or(term_state = 'H') AS response_timeout,
    NOT bool_or(upgrade_visible) AS upgrade_unseen,
    count(*) FILTER (WHERE connection_without_upgrade) AS no_connection_upgrade
  FROM s GROUP BY status, cause, backend, server
),
-- The server's DOWN events around the failures; with no server assigned, every server of the backend, before them.
downs AS (
  SELECT g.status, g.cause, g.backend, g.server, e.ts, e.server AS down_server, e.kind, e.reason, e.check_code, e.check_info
  FROM grouped g JOIN events e ON e.proxy = g.backend AND e.kind IN ('server.down', 'check.failed')
    AND CASE WHEN g.server = '<NOSRV>' THEN g.cause IN ('no-server', 'timeout.queue') AND (e.ts IS NULL OR e.ts <= g.last + INTERVAL 5 SECOND)
             ELSE e.server = g.server AND e.ts BETWEEN g.first - INTERVAL 30 SECOND AND g.last + INTERVAL 30 SECOND END
),
down_lists AS (
  SELECT status, cause, backend, server, count(*) AS n,
    list(struct_pack(ts := ts, server := down_server, reason := reason, check_code := check_code, check_info := check_info)
      ORDER BY ts DESC NULLS LAST, down_server) FILTER (WHERE kind = 'server.down') AS down_events,
    bool_or(check_code = 101) AS check_101
  FROM downs GROUP BY ALL
)
SELECT g.status, g.cause, g.confidence, g.backend, g.server, g.count, g.first, g.last, coalesce(g.terminations, []) AS terminations,
  coalesce((SELECT list(r.raw ORDER BY r.line_no) FROM raw_lines r, unnest(g.samples) AS u(k)
    WHERE r.source_id = k.source_id AND r.line_no = k.line_no), []) AS evidence,
  coalesce(d.n, 0) AS down_events_nearby,
  coalesce(d.down_events[1:3], []) AS down_events,
  coalesce(d.check_101, false) AS check_101,
  -- hc1 DOWN at 2026-11-22 04:41:38 (Layer7 wrong status, code 101 "Switching Protocols")
  (SELECT string_agg(e.server || ' DOWN ' || coalesce('at ' || strftime(e.ts, '%Y-%m-%d %H:%M:%S'), '(time not logged)')
      || coalesce(' (' || e.reason || coalesce(', code ' || e.check_code, '') || coalesce(' "' || e.check_info || '"', '') || ')', ''), '; ')
    FROM unnest(d.down_events[1:3]) AS u(e)) AS down_chain,
  (SELECT string_agg(c.name || ' maxconn ' || c.maxconn, ', ' ORDER BY c.name) FROM config_servers c WHERE c.backend = g.backend AND c.maxconn IS NOT NULL) AS maxconn_list,
  (SELECT t.text FROM proxy_timeouts() t WHERE t.proxy = g.backend AND t.name = 'queue') AS queue_timeout,
  g.max_queue_ms, g.server_timeout, g.response_timeout, g.upgrade_unseen, g.inferred, g.paths, g.no_connection_upgrade,
  g.confidence = 'guess' AS is_guess,
  coalesce(d.n, 0) > 0 AND g.cause LIKE 'server.%' AS server_went_down,
  -- Critical: the service failed (a 5xx, or its TCP-mode equivalent, which has no status); a warning: something
  -- to change; info: the client's doing, or what the log cannot show.
  CASE WHEN g.cause IN ('client.abort', 'logged-early', 'unknown') AND coalesce(g.status, 0) < 500 THEN 'info'
       WHEN g.status >= 500 OR g.cause IN ('server.abort', 'server.refused', 'server.hangup', 'server.bad-response', 'server.error',
         'no-server', 'timeout.connect', 'timeout.queue', 'timeout.upgrade', 'proxy.resource', 'proxy.internal') THEN 'critical'
       ELSE 'warning' END AS severity,
  -- Sessions logged at their start, and tunnels whose end the format cannot show, are one finding of their
  -- frontend (log-blind-spots.sql), not one per group.
  NOT (g.cause = 'logged-early' OR (g.cause = 'unknown' AND coalesce(g.status, 0) < 500)) AS has_finding
FROM grouped g
LEFT JOIN down_lists d ON d.status IS NOT DISTINCT FROM g.status AND d.cause = g.cause
  AND d.backend IS NOT DISTINCT FROM g.backend AND d.server IS NOT DISTINCT FROM g.server
ORDER BY (g.status >= 500) DESC NULLS LAST, g.count DESC, g.cause, g.backend, g.server, g.status;
