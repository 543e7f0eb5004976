-- The sessions view as it was before the store decoded termination states and Upgrade headers per name (a
-- reference for test/queries/reference.test.ts).
CREATE OR REPLACE TEMP VIEW reference_sessions AS
SELECT
  r.source_id,
  src.path AS source,
  r.line_no,
  CASE WHEN isnan(r.ts_ms) THEN NULL ELSE make_timestamp(CAST(r.ts_ms * 1000 AS BIGINT)) END AS ts,
  CASE WHEN r.format_id > 0 THEN dictionary.names[r.format_id] END AS format,
  CASE WHEN r.host_id > 0 THEN dictionary.names[r.host_id] END AS host,
  NULLIF(r.pid, -2147483648) AS pid,
  COALESCE(CASE WHEN r.client_ip_id > 0 THEN dictionary.names[r.client_ip_id] END, CASE WHEN r.client_ip4 = -2147483648 THEN NULL ELSE
    concat_ws('.', (r.client_ip4 >> 24) & 255, (r.client_ip4 >> 16) & 255, (r.client_ip4 >> 8) & 255, r.client_ip4 & 255) END) AS client_ip,
  NULLIF(r.client_port, -2147483648) AS client_port,
  CASE WHEN r.frontend_id > 0 THEN dictionary.names[r.frontend_id] END AS frontend,
  (r.flags & 1) <> 0 AS ssl,
  CASE WHEN r.backend_id > 0 THEN dictionary.names[r.backend_id] END AS backend,
  CASE WHEN r.server_id > 0 THEN dictionary.names[r.server_id] END AS server,
  NULLIF(r.t_request, -2147483648) AS t_request_ms,
  NULLIF(r.t_queue, -2147483648) AS t_queue_ms,
  NULLIF(r.t_connect, -2147483648) AS t_connect_ms,
  NULLIF(r.t_response, -2147483648) AS t_response_ms,
  NULLIF(r.t_active, -2147483648) AS t_active_ms,
  NULLIF(r.t_total, -2147483648) AS t_total_ms,
  -- How long the session lasted: Tt where the format has it (tcplog, custom), else Ta (httplog).
  COALESCE(NULLIF(r.t_total, -2147483648), NULLIF(r.t_active, -2147483648)) AS duration_ms,
  NULLIF(r.status, -2147483648) AS status,
  CASE WHEN isnan(r.bytes_read) THEN NULL ELSE CAST(r.bytes_read AS BIGINT) END AS bytes_read,
  CASE WHEN r.termination_id > 0 THEN dictionary.names[r.termination_id] END AS termination,
  substr(CASE WHEN r.termination_id > 0 THEN dictionary.names[r.termination_id] END, 1, 1) AS term_cause,
  substr(CASE WHEN r.termination_id > 0 THEN dictionary.names[r.termination_id] END, 2, 1) AS term_state,
  NULLIF(substr(CASE WHEN r.termination_id > 0 THEN dictionary.names[r.termination_id] END, 3, 1), '') AS term_cookie_client,
  NULLIF(substr(CASE WHEN r.termination_id > 0 THEN dictionary.names[r.termination_id] END, 4, 1), '') AS term_cookie_server,
  NULLIF(r.actconn, -2147483648) AS actconn,
  NULLIF(r.feconn, -2147483648) AS feconn,
  NULLIF(r.beconn, -2147483648) AS beconn,
  NULLIF(r.srvconn, -2147483648) AS srv_conn,
  NULLIF(r.retries, -2147483648) AS retries,
  (r.flags & 4) <> 0 AS redispatched,
  NULLIF(r.srv_queue, -2147483648) AS srv_queue,
  NULLIF(r.backend_queue, -2147483648) AS backend_queue,
  CASE WHEN r.method_id > 0 THEN dictionary.names[r.method_id] END AS method,
  r.uri AS uri,
  CASE WHEN r.version_id > 0 THEN dictionary.names[r.version_id] END AS http_version,
  CASE WHEN r.upgrade_id > 0 THEN dictionary.names[r.upgrade_id] END AS upgrade_header,
  CASE WHEN r.connection_id > 0 THEN dictionary.names[r.connection_id] END AS connection_header,
  CASE WHEN r.req_cookie_id > 0 THEN dictionary.names[r.req_cookie_id] END AS request_cookie,
  CASE WHEN r.res_cookie_id > 0 THEN dictionary.names[r.res_cookie_id] END AS response_cookie,
  r.req_headers AS request_headers,
  r.res_headers AS response_headers,
  NULLIF(r.status, -2147483648) = 101 AS upgraded,
  -- An upgrade was asked for: the Upgrade header says websocket, or the server switched protocols.
  (NULLIF(r.status, -2147483648) = 101 OR lower(CASE WHEN r.upgrade_id > 0 THEN dictionary.names[r.upgrade_id] END) LIKE '%websocket%') AS upgrade_requested,
  (r.flags & 2) <> 0 AS logasap,
  (r.flags & 8) <> 0 AS truncated,
  (r.flags & 16) <> 0 AS invalid_utf8,
  CAST(r.extra AS JSON) AS extra
FROM session_rows r
LEFT JOIN sources src ON src.source_id = r.source_id
CROSS JOIN (
  SELECT list(n.value ORDER BY g.i) AS names
  FROM range(1, (SELECT coalesce(max(id), 0) + 1 FROM names)) g(i) LEFT JOIN names n ON n.id = g.i
) dictionary;
