-- @name session-causes
-- @title Cause of every session
-- @description Defines the table macro session_causes(since, until, backend): the sessions in scope, each with one
--   cause code derived from its status, termination state (section 8.5), server and the configuration's timeouts.
--   Every other diagnosis reads from it.
-- @kind setup
CREATE OR REPLACE TEMP MACRO session_causes(since_ts, until_ts, backend_name) AS TABLE
WITH timeouts AS (FROM proxy_timeouts()),
scoped AS (
  SELECT s.*,
    -- A tunnel: an upgraded HTTP session (101) or a TCP-mode connection.
    (s.upgraded OR s.format = 'tcplog' OR (s.status IS NULL AND s.method IS NULL AND s.format NOT IN ('httplog', 'clf', 'httpslog'))) AS is_tunnel,
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
)
SELECT *,
  CASE
    -- Logged at the start by `option logasap` (a `+` on Ta/Tt): how the session ended is not in the log.
    WHEN logasap AND term_cause = '-' THEN 'logged-early'
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
    WHEN term_cause IN ('c', 's') AND term_state = 'Q' THEN 'timeout.queue'
    WHEN term_cause = 's' AND term_state = 'C' THEN 'timeout.connect'
    -- 504 sH on an upgrade: the server never answered the 101.
    WHEN term_cause = 's' AND term_state = 'H' AND upgrade_requested THEN 'timeout.upgrade'
    WHEN term_cause = 's' AND term_state = 'H' THEN 'timeout.server'
    -- An idle tunnel cut by HAProxy: `timeout tunnel` when the backend has one, else client or server.
    WHEN term_cause IN ('c', 's') AND term_state = 'D' AND is_tunnel AND tunnel_timeout_ms IS NOT NULL THEN 'timeout.tunnel'
    WHEN term_cause = 'c' THEN 'timeout.client'
    WHEN term_cause = 's' THEN 'timeout.server'
    WHEN upgrade_requested AND NOT upgraded AND status IS NOT NULL THEN 'upgrade.rejected'
    WHEN status >= 500 THEN 'server.error'
    ELSE 'ok'
  END AS cause,
  -- How the cause was decided: from the flags alone, from the configuration, or guessed (a tunnel timeout without
  -- a configuration could be `timeout tunnel` as well as client/server).
  CASE
    WHEN term_cause IN ('c', 's') AND term_state = 'D' AND is_tunnel AND tunnel_timeout_ms IS NOT NULL THEN 'config'
    WHEN term_cause IN ('c', 's') AND term_state = 'D' AND is_tunnel AND client_timeout_ms IS NULL AND server_timeout_ms IS NULL THEN 'guess'
    WHEN term_cause IN ('c', 's') AND term_state = 'D' AND is_tunnel THEN 'config'
    ELSE 'flags'
  END AS cause_confidence
FROM scoped;
