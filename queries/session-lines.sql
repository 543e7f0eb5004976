-- @name session-lines
-- @title Sessions with the text of their log line
-- @description Defines the table macro session_lines(since, until, backend): session_causes with `text`, the raw
--   line when it was kept as evidence, else a line rebuilt from the session's columns (clean sessions keep no raw
--   line). The drill-down queries read it.
-- @kind setup
CREATE OR REPLACE TEMP MACRO session_lines(since_ts, until_ts, backend_name) AS TABLE
SELECT c.*, r.raw IS NOT NULL AS has_raw,
  coalesce(r.raw, strftime(c.ts, '%Y-%m-%d %H:%M:%S.%g') || ' ' || coalesce(c.client_ip, '-') || ' ' || coalesce(c.frontend, '-') || ' '
    || coalesce(c.backend, '-') || '/' || coalesce(c.server, '-') || ' ' || coalesce(CAST(c.status AS VARCHAR), '-') || ' '
    || coalesce(c.termination, '-') || ' ' || coalesce(CAST(c.duration_ms AS VARCHAR), '-') || 'ms ' || coalesce(c.method || ' ' || c.uri, '')) AS text
FROM session_causes(since_ts, until_ts, backend_name) c
LEFT JOIN raw_lines r ON r.source_id = c.source_id AND r.line_no = c.line_no;
