-- @name session-causes
-- @title Cause of every session
-- @description Defines the table macro session_causes(since, until, backend): the sessions in scope, each with one
--   cause code derived from its status, termination state (section 8.5), server and the configuration's timeouts,
--   and how sure that is (cause_confidence). Every other diagnosis reads from it. session_causes_keyed is the same
--   with the names' keys (sessions_in, src/store/schema.ts) that the analysis's materialized scope stores.
-- @kind setup
-- Every cause and every confidence below, in order (the analysis's materialized scope keeps each session's as a
-- byte; a value missing here fails the analysis loudly).
CREATE OR REPLACE TEMP TYPE session_cause AS ENUM ('client.abort', 'logged-early', 'no-server', 'ok', 'proxy.deny',
  'proxy.internal', 'proxy.killed', 'proxy.resource', 'server.abort', 'server.bad-response', 'server.error', 'server.hangup',
  'server.refused', 'timeout.client', 'timeout.connect', 'timeout.http-request', 'timeout.queue', 'timeout.server',
  'timeout.tunnel', 'timeout.upgrade', 'unknown', 'upgrade.rejected');
CREATE OR REPLACE TEMP TYPE session_cause_confidence AS ENUM ('config', 'duration', 'flags', 'guess', 'inferred', 'none', 'status');

CREATE OR REPLACE TEMP MACRO session_causes_keyed(since_ts, until_ts, backend_name) AS TABLE
WITH
-- The timeouts of each proxy that end idle tunnels, by the key of the proxy's name (NOT MATERIALIZED: a CTE read
-- twice is otherwise computed once with every column of the query around it).
timeouts AS NOT MATERIALIZED (
  SELECT k.name_key, t.*
  FROM (
    SELECT proxy,
      min(ms) FILTER (WHERE name = 'tunnel') AS tunnel_ms, min(text) FILTER (WHERE name = 'tunnel') AS tunnel_text,
      min(where_set) FILTER (WHERE name = 'tunnel') AS tunnel_where,
      min(ms) FILTER (WHERE name = 'client') AS client_ms, min(text) FILTER (WHERE name = 'client') AS client_text,
      min(where_set) FILTER (WHERE name = 'client') AS client_where,
      min(ms) FILTER (WHERE name = 'server') AS server_ms, min(text) FILTER (WHERE name = 'server') AS server_text,
      min(where_set) FILTER (WHERE name = 'server') AS server_where
    FROM proxy_timeouts() GROUP BY proxy
  ) t
  JOIN (SELECT value, min(id) AS name_key FROM names GROUP BY value) k ON k.value = t.proxy
),
-- Frontends whose lines show the Upgrade (Connection) request header at all (a capture or a variable in the
-- format): there, a line without it is a request without it. Elsewhere the log cannot show it.
upgrade_visible AS NOT MATERIALIZED (
  SELECT frontend_key, bool_or(upgrade_header IS NOT NULL) AS upgrade_visible, bool_or(connection_header IS NOT NULL) AS connection_visible
  FROM sessions_in(since_ts, until_ts, backend_name) GROUP BY frontend_key
),
-- Backends with a failed GET on a line that cannot show an Upgrade header: an upgrade, if other requests to that
-- backend and path upgrade (said so: cause_confidence 'inferred').
inferring_backends AS (
  SELECT DISTINCT s.backend_key
  FROM sessions_in(since_ts, until_ts, backend_name) s LEFT JOIN upgrade_visible v ON v.frontend_key = s.frontend_key
  WHERE NOT coalesce(s.upgrade_requested, false) AND NOT coalesce(v.upgrade_visible, false) AND s.method = 'GET' AND s.status >= 400
),
-- Backend and path where upgrades succeed, of those backends.
upgrading_paths AS (
  SELECT DISTINCT backend_key, coalesce(regexp_extract(uri, '^(?:[a-z]+://[^/]*)?(/[^/?#]*)', 1), '') AS path_prefix
  FROM sessions_in(since_ts, until_ts, backend_name)
  WHERE upgraded AND backend_key IN (SELECT backend_key FROM inferring_backends)
),
inscope AS (
  SELECT s.*,
    -- A tunnel: an upgraded HTTP session (101, also over HTTP/2 per RFC 8441) or a TCP-mode connection.
    (s.upgraded OR s.format = 'tcplog' OR (s.status IS NULL AND s.method IS NULL AND s.format NOT IN ('httplog', 'clf', 'httpslog'))) AS is_tunnel,
    -- The first path segment, computed last (only for the sessions a query reads it of).
    CAST(NULL AS VARCHAR) AS path_prefix,
    tb.tunnel_ms AS tunnel_timeout_ms, tb.tunnel_text AS tunnel_timeout_text, tb.tunnel_where AS tunnel_timeout_where,
    tf.client_ms AS client_timeout_ms, tf.client_text AS client_timeout_text, tf.client_where AS client_timeout_where,
    tb.server_ms AS server_timeout_ms, tb.server_text AS server_timeout_text, tb.server_where AS server_timeout_where,
    coalesce(v.upgrade_visible, false) AS upgrade_visible, coalesce(v.connection_visible, false) AS connection_visible
  FROM sessions_in(since_ts, until_ts, backend_name) s
  LEFT JOIN timeouts tb ON tb.name_key = s.backend_key
  LEFT JOIN timeouts tf ON tf.name_key = s.frontend_key
  LEFT JOIN upgrade_visible v ON v.frontend_key = s.frontend_key
),
scoped AS (
  SELECT i.*,
    -- An upgrade request whose Connection header (where the log shows it) lacks the `upgrade` token.
    CASE WHEN i.connection_visible AND lower(i.upgrade_header) LIKE '%websocket%'
      THEN NOT regexp_matches(lower(coalesce(i.connection_header, '')), '(^|[\s,])upgrade($|[\s,])') ELSE false END AS connection_without_upgrade,
    p.backend_key IS NOT NULL AS upgrade_inferred,
    -- The timeout that ends an idle tunnel of this backend: `timeout tunnel`, else the smaller of client and server.
    CASE WHEN i.tunnel_timeout_ms IS NOT NULL THEN 'timeout.tunnel'
         WHEN i.client_timeout_ms <= coalesce(i.server_timeout_ms, i.client_timeout_ms) THEN 'timeout.client'
         WHEN i.server_timeout_ms IS NOT NULL THEN 'timeout.server' END AS idle_timeout,
    coalesce(i.tunnel_timeout_ms, least(i.client_timeout_ms, i.server_timeout_ms)) AS idle_timeout_ms
  FROM inscope i
  LEFT JOIN upgrading_paths p ON p.backend_key = i.backend_key AND p.path_prefix = CASE
    WHEN NOT coalesce(i.upgrade_requested, false) AND NOT i.upgrade_visible AND i.method = 'GET' AND i.status >= 400
    -- The first path segment (an HTTP/2 request line carries the scheme and authority: `GET https://host/ws HTTP/2.0`).
    THEN coalesce(regexp_extract(i.uri, '^(?:[a-z]+://[^/]*)?(/[^/?#]*)', 1), '') END
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
SELECT * REPLACE (coalesce(regexp_extract(uri, '^(?:[a-z]+://[^/]*)?(/[^/?#]*)', 1), '') AS path_prefix),
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

CREATE OR REPLACE TEMP MACRO session_causes(since_ts, until_ts, backend_name) AS TABLE
SELECT * EXCLUDE (frontend_key, backend_key, server_key, termination_key, method_key, version_key, upgrade_key, connection_key, client_key)
FROM session_causes_keyed(since_ts, until_ts, backend_name);
