-- @name session-lines
-- @kind setup
-- The view session_lines(since_ts, until_ts, backend_name): queries/session-lines.sql; lines join on their node too.
SELECT c.*, r.raw IS NOT NULL AS has_raw,
  coalesce(r.raw, concat(formatDateTime(c.ts, '%Y-%m-%d %H:%i:%S.%f'), ' ', coalesce(c.client_ip, '-'), ' ', coalesce(c.frontend, '-'), ' ',
    coalesce(c.backend, '-'), '/', coalesce(c.server, '-'), ' ', coalesce(toString(c.status), '-'), ' ',
    coalesce(c.termination, '-'), ' ', coalesce(toString(c.duration_ms), '-'), 'ms ', coalesce(concat(c.method, ' ', c.uri), ''))) AS text
FROM session_causes(since_ts = {since_ts:Nullable(DateTime64(6, 'UTC'))}, until_ts = {until_ts:Nullable(DateTime64(6, 'UTC'))}, backend_name = {backend_name:Nullable(String)}) c
LEFT JOIN raw_lines r ON r.node = c.node AND r.source_id = c.source_id AND r.line_no = c.line_no;
