-- @name session-list
-- @param since, until, backend, slice_from, slice_to
SELECT ts, client_ip, client_port, frontend, backend, server, status, termination, duration_ms AS tt_ms, upgraded, cause,
  method, uri, http_version
FROM session_causes(since_ts = {since:Nullable(DateTime64(6, 'UTC'))}, until_ts = {until:Nullable(DateTime64(6, 'UTC'))}, backend_name = {backend:Nullable(String)})
WHERE ({slice_from:Nullable(DateTime64(6, 'UTC'))} IS NULL OR ts >= {slice_from:Nullable(DateTime64(6, 'UTC'))} OR ({slice_to:Nullable(DateTime64(6, 'UTC'))} IS NULL AND ts IS NULL))
  AND ({slice_to:Nullable(DateTime64(6, 'UTC'))} IS NULL OR ts < {slice_to:Nullable(DateTime64(6, 'UTC'))})
ORDER BY ts NULLS LAST, node, source_id, line_no;
