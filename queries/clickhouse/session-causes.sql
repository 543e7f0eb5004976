-- @name session-causes
-- @kind setup
-- @description The view session_causes(since_ts, until_ts, backend_name): queries/session-causes.sql in ClickHouse's SQL.
--   By hand: the joins on what each frontend and path shows → windows; least() ignores NULL in DuckDB, not here;
--   regexp_matches → match.
WITH inscope AS (
  SELECT s.*,
    (s.upgraded OR s.format = 'tcplog' OR (s.status IS NULL AND s.method IS NULL AND s.format NOT IN ('httplog', 'clf', 'httpslog'))) AS is_tunnel,
    ifNull(regexpExtract(s.uri, '^(?:[a-z]+://[^/]*)?(/[^/?#]*)', 1), '') AS path_prefix,
    tt.ms AS tunnel_timeout_ms, tt.text AS tunnel_timeout_text, tt.where_set AS tunnel_timeout_where,
    tc.ms AS client_timeout_ms, tc.text AS client_timeout_text, tc.where_set AS client_timeout_where,
    ts.ms AS server_timeout_ms, ts.text AS server_timeout_text, ts.where_set AS server_timeout_where
  FROM sessions s
  LEFT JOIN (SELECT * FROM proxy_timeouts WHERE name = 'tunnel') tt ON tt.proxy = s.backend
  LEFT JOIN (SELECT * FROM proxy_timeouts WHERE name = 'client') tc ON tc.proxy = s.frontend
  LEFT JOIN (SELECT * FROM proxy_timeouts WHERE name = 'server') ts ON ts.proxy = s.backend
  WHERE ({since_ts:Nullable(DateTime64(6, 'UTC'))} IS NULL OR s.ts >= {since_ts:Nullable(DateTime64(6, 'UTC'))})
    AND ({until_ts:Nullable(DateTime64(6, 'UTC'))} IS NULL OR s.ts < {until_ts:Nullable(DateTime64(6, 'UTC'))})
    AND ({backend_name:Nullable(String)} IS NULL OR s.backend = {backend_name:Nullable(String)})
),
-- Whether a frontend's lines show the Upgrade (Connection) header, and whether a backend and path upgrade: windows
-- over the scope instead of DuckDB's joins on its aggregates (one pass; a NULL name matches nothing, as in a join).
visible AS (
  SELECT i.*,
    i.frontend IS NOT NULL AND ifNull(toBool(max(i.upgrade_header IS NOT NULL) OVER (PARTITION BY i.frontend)), false) AS upgrade_visible,
    i.frontend IS NOT NULL AND ifNull(toBool(max(i.connection_header IS NOT NULL) OVER (PARTITION BY i.frontend)), false) AS connection_visible,
    i.backend IS NOT NULL AND ifNull(toBool(max(ifNull(i.upgraded, false)) OVER (PARTITION BY i.backend, i.path_prefix)), false) AS path_upgrades
  FROM inscope i
),
scoped AS (
  SELECT * EXCEPT (path_upgrades),
    ifNull(lower(upgrade_header) LIKE '%websocket%' AND connection_visible
      AND NOT match(lower(ifNull(connection_header, '')), '(^|[\\s,])upgrade($|[\\s,])'), false) AS connection_without_upgrade,
    ifNull(NOT ifNull(upgrade_requested, false) AND NOT upgrade_visible AND method = 'GET' AND status >= 400 AND path_upgrades, false) AS upgrade_inferred,
    CASE WHEN tunnel_timeout_ms IS NOT NULL THEN 'timeout.tunnel'
         WHEN client_timeout_ms <= ifNull(server_timeout_ms, client_timeout_ms) THEN 'timeout.client'
         WHEN server_timeout_ms IS NOT NULL THEN 'timeout.server' END AS idle_timeout,
    coalesce(tunnel_timeout_ms,
      if(client_timeout_ms IS NULL, server_timeout_ms, if(server_timeout_ms IS NULL, client_timeout_ms, least(client_timeout_ms, server_timeout_ms)))) AS idle_timeout_ms
  FROM visible
),
caused AS (
  SELECT *,
    CASE
      WHEN logasap AND term_cause = '-' THEN 'logged-early'
      WHEN term_cause IN ('c', 's') AND term_state = 'Q' THEN 'timeout.queue'
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
      WHEN term_cause = 's' AND term_state = 'H' AND (upgrade_requested OR upgrade_inferred) THEN 'timeout.upgrade'
      WHEN term_cause = 's' AND term_state = 'H' THEN 'timeout.server'
      WHEN term_cause IN ('c', 's') AND term_state = 'D' AND is_tunnel AND tunnel_timeout_ms IS NOT NULL THEN 'timeout.tunnel'
      WHEN term_cause = 'c' THEN 'timeout.client'
      WHEN term_cause = 's' THEN 'timeout.server'
      WHEN termination IS NULL AND server = '<NOSRV>' AND status = 503 AND t_queue_ms IS NOT NULL THEN 'timeout.queue'
      WHEN termination IS NULL AND server = '<NOSRV>' AND status = 503 THEN 'no-server'
      WHEN termination IS NULL AND status = 408 THEN 'timeout.http-request'
      WHEN termination IS NULL AND status = 504 AND (upgrade_requested OR upgrade_inferred) THEN 'timeout.upgrade'
      WHEN termination IS NULL AND status = 504 THEN 'timeout.server'
      WHEN termination IS NULL AND server = '<NOSRV>' AND status BETWEEN 400 AND 499 THEN 'proxy.deny'
      WHEN termination IS NULL AND is_tunnel AND idle_timeout_ms IS NOT NULL
        AND duration_ms BETWEEN idle_timeout_ms - 50 AND idle_timeout_ms + greatest(250, 0.02 * idle_timeout_ms) THEN idle_timeout
      WHEN termination IS NULL AND (is_tunnel OR status IN (502, 503)) THEN 'unknown'
      WHEN status = 426 THEN 'upgrade.rejected'
      WHEN upgrade_requested AND NOT upgraded AND status IS NOT NULL THEN 'upgrade.rejected'
      WHEN upgrade_inferred AND status BETWEEN 400 AND 499 THEN 'upgrade.rejected'
      WHEN status >= 500 THEN 'server.error'
      ELSE 'ok'
    END AS cause
  FROM scoped
)
SELECT *,
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
