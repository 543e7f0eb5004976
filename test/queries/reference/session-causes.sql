-- @name session-causes
-- @title Cause of every session
-- @description Defines the table macro session_causes(since, until, backend): the sessions in scope, each with one
--   cause code derived from its status, termination state (section 8.5), server and the configuration's timeouts,
--   and how sure that is (cause_confidence). Every other diagnosis reads from it.
-- @kind setup
CREATE OR REPLACE TEMP MACRO session_causes(since_ts, until_ts, backend_name) AS TABLE
WITH timeouts AS (FROM proxy_timeouts()),
inscope AS (
  SELECT s.*,
    -- A tunnel: an upgraded HTTP session (101, also over HTTP/2 per RFC 8441) or a TCP-mode connection.
    (s.upgraded OR s.format = 'tcplog' OR (s.status IS NULL AND s.method IS NULL AND s.format NOT IN ('httplog', 'clf', 'httpslog'))) AS is_tunnel,
    -- The first path segment (an HTTP/2 request line carries the scheme and authority: `GET https://host/ws HTTP/2.0`).
    coalesce(regexp_extract(s.uri, '^(?:[a-z]+://[^/]*)?(/[^/?#]*)', 1), '') AS path_prefix,
    tt.ms AS tunnel_timeout_ms, tt.text AS tunnel_timeout_text, tt.where_set AS tunnel_timeout_where,
    tc.ms AS client_timeout_ms, tc.text AS client_timeout_text, tc.where_set AS client_timeout_where,
    ts.ms AS server_timeout_ms, ts.text AS server_timeout_text, ts.where_set AS server_timeout_where
  FROM sessions s
  LEFT JOIN timeouts tt ON tt.proxy = s.backend AND tt.name = 'tunnel'
  LEFT JOIN timeouts tc ON tc.proxy = s.frontend AND tc.name = 'client'
  LEFT JOIN timeouts ts ON ts.proxy = s.backend AND ts.name = 'server'
  WHERE (since_ts IS NULL OR s.ts >= CAST(since_ts AS TIMESTAMP))
    AND (until_ts IS NULL OR s.ts < CAST(until_ts AS TIMESTAMP))
    AND (backend_name IS NULL OR s.backend = backend_name)
),
-- Frontends whose lines show the Upgrade (Connection) request header at all (a capture or a variable in the
-- format): there, a line without it is a request without it. Elsewhere the log cannot show it.
upgrade_visible AS (
  SELECT frontend, bool_or(upgrade_header IS NOT NULL) AS upgrade_visible, bool_or(connection_header IS NOT NULL) AS connection_visible
  FROM inscope GROUP BY frontend
),
-- Backend and path where upgrades succeed: a failed GET there, on a line that cannot show its headers, was
-- most likely an upgrade too (said so: cause_confidence 'inferred').
upgrading_paths AS (
  SELECT backend, path_prefix FROM inscope WHERE upgraded GROUP BY ALL
),
visible AS (
  SELECT i.*, coalesce(v.upgrade_visible, false) AS upgrade_visible, coalesce(v.connection_visible, false) AS connection_visible,
    -- An upgrade request whose Connection header (where the log shows it) lacks the `upgrade` token.
    coalesce(lower(i.upgrade_header) LIKE '%websocket%' AND coalesce(v.connection_visible, false)
      AND NOT regexp_matches(lower(coalesce(i.connection_header, '')), '(^|[\s,])upgrade($|[\s,])'), false) AS connection_without_upgrade
  FROM inscope i LEFT JOIN upgrade_visible v ON v.frontend = i.frontend
),
scoped AS (
  SELECT i.*,
    -- A failed GET on a line that cannot show an Upgrade header, where other requests upgrade.
    coalesce(NOT coalesce(i.upgrade_requested, false) AND NOT i.upgrade_visible AND i.method = 'GET' AND i.status >= 400
      AND EXISTS (SELECT 1 FROM upgrading_paths p WHERE p.backend = i.backend AND p.path_prefix = i.path_prefix), false) AS upgrade_inferred,
    -- The timeout that ends an idle tunnel of this backend: `timeout tunnel`, else the smaller of client and server.
    CASE WHEN i.tunnel_timeout_ms IS NOT NULL THEN 'timeout.tunnel'
         WHEN i.client_timeout_ms <= coalesce(i.server_timeout_ms, i.client_timeout_ms) THEN 'timeout.client'
         WHEN i.server_timeout_ms IS NOT NULL THEN 'timeout.server' END AS idle_timeout,
    coalesce(i.tunnel_timeout_ms, least(i.client_timeout_ms, i.server_timeout_ms)) AS idle_timeout_ms
  FROM visible i
),
caused AS (
  SELECT *,
    CASE
      -- Logged at the start by `option logasap` (a `+` on Ta/Tt): how the session ended is not in the log.
      WHEN logasap AND term_cause = '-' THEN 'logged-early'
      -- `sQ`/`cQ`: it waited in the queue for a free server slot; HAProxy logs <NOSRV> while it waits in the
      -- backend's queue, so this comes before no-server.
      WHEN term_cause IN ('c', 's') AND term_state = 'Q' THEN 'timeout.queue'
      -- 503 <NOSRV> (HTTP), or <NOSRV> with SC in TCP mode, which has no status.
      WHEN server = '<NOSRV>' AND (status = 503 OR (status IS NULL AND term_cause = 'S' AND term_state = 'C')) THEN 'no-server'
      WHEN term_cause = 'C' THEN 'client.abort'
      WHEN term_cause = 'S' AND term_state = 'C' THEN 'server.refused'
      WHEN term_cause = 'S' AND term_state = 'H' THEN 'server.hangup'
      WHEN term_cause = 'S' THEN 'server.abort'
      WHEN term_cause = 'P' AND term_state = 'H' THEN 'server.bad-response'
      WHEN term_cause = 'P' THEN 'proxy.deny'
      WHEN term_cause = 'R' THEN 'proxy.resource'
      WHEN term_cause = 'I' THEN 'proxy.internal'
      WHEN term_cause IN ('K', 'D', 'U') THEN 'proxy.killed'
      WHEN term_cause = 'c' AND term_state = 'R' THEN 'timeout.http-request'
      WHEN term_cause = 's' AND term_state = 'C' THEN 'timeout.connect'
      -- 504 sH on an upgrade (seen, or inferred from the backend and path): the server never answered the 101.
      WHEN term_cause = 's' AND term_state = 'H' AND (upgrade_requested OR upgrade_inferred) THEN 'timeout.upgrade'
      WHEN term_cause = 's' AND term_state = 'H' THEN 'timeout.server'
      -- An idle tunnel cut by HAProxy: `timeout tunnel` when the backend has one, else client or server.
      WHEN term_cause IN ('c', 's') AND term_state = 'D' AND is_tunnel AND tunnel_timeout_ms IS NOT NULL THEN 'timeout.tunnel'
      WHEN term_cause = 'c' THEN 'timeout.client'
      WHEN term_cause = 's' THEN 'timeout.server'
      -- No termination state on the line (a log-format without %tsc/%ts): what the status and timers still tell.
      WHEN termination IS NULL AND server = '<NOSRV>' AND status = 503 AND t_queue_ms IS NOT NULL THEN 'timeout.queue'
      WHEN termination IS NULL AND server = '<NOSRV>' AND status = 503 THEN 'no-server'
      WHEN termination IS NULL AND status = 408 THEN 'timeout.http-request'
      WHEN termination IS NULL AND status = 504 AND (upgrade_requested OR upgrade_inferred) THEN 'timeout.upgrade'
      WHEN termination IS NULL AND status = 504 THEN 'timeout.server'
      -- HAProxy answered itself: a deny or a rate limit.
      WHEN termination IS NULL AND server = '<NOSRV>' AND status BETWEEN 400 AND 499 THEN 'proxy.deny'
      -- A tunnel that lasted the timeout ending idle tunnels on its backend (a timer fires at its value and is
      -- logged a little later, never earlier).
      WHEN termination IS NULL AND is_tunnel AND idle_timeout_ms IS NOT NULL
        AND duration_ms BETWEEN idle_timeout_ms - 50 AND idle_timeout_ms + greatest(250, 0.02 * idle_timeout_ms) THEN idle_timeout
      -- Any other end of a tunnel, HAProxy's own 502 and 503: only the flags tell (hangup or garbage, refused or
      -- connect timeout, client or server close).
      WHEN termination IS NULL AND (is_tunnel OR status IN (502, 503)) THEN 'unknown'
      -- 426 Upgrade Required, or a refusal of an upgrade request (seen, or inferred from the backend and path).
      WHEN status = 426 THEN 'upgrade.rejected'
      WHEN upgrade_requested AND NOT upgraded AND status IS NOT NULL THEN 'upgrade.rejected'
      WHEN upgrade_inferred AND status BETWEEN 400 AND 499 THEN 'upgrade.rejected'
      WHEN status >= 500 THEN 'server.error'
      ELSE 'ok'
    END AS cause
  FROM scoped
)
SELECT *,
  -- How the cause was decided: the flags alone; the configuration; a guess (a tunnel timeout without a
  -- configuration could be `timeout tunnel` as well as client/server); without flags, the duration against the
  -- configured timeout, or the status and timers; an upgrade inferred from the backend and path; or not at all.
  CASE
    WHEN cause = 'unknown' THEN 'none'
    WHEN upgrade_inferred AND cause IN ('timeout.upgrade', 'upgrade.rejected') AND status <> 426 THEN 'inferred'
    WHEN termination IS NULL AND is_tunnel AND cause IN ('timeout.tunnel', 'timeout.client', 'timeout.server') THEN 'duration'
    WHEN termination IS NULL THEN 'status'
    WHEN term_cause IN ('c', 's') AND term_state = 'D' AND is_tunnel AND tunnel_timeout_ms IS NOT NULL THEN 'config'
    WHEN term_cause IN ('c', 's') AND term_state = 'D' AND is_tunnel AND client_timeout_ms IS NULL AND server_timeout_ms IS NULL THEN 'guess'
    WHEN term_cause IN ('c', 's') AND term_state = 'D' AND is_tunnel THEN 'config'
    ELSE 'flags'
  END AS cause_confidence
FROM caused;
