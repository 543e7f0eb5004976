-- @name events
-- @param since, until
SELECT ts, kind, proxy, server, reason, check_code, check_info, check_duration_ms, active_servers, backup_servers, sessions_active, requeued, message
FROM events
WHERE ({since:Nullable(DateTime64(6, 'UTC'))} IS NULL OR ts >= {since:Nullable(DateTime64(6, 'UTC'))}) AND ({until:Nullable(DateTime64(6, 'UTC'))} IS NULL OR ts < {until:Nullable(DateTime64(6, 'UTC'))})
  AND kind NOT IN ('connect', 'haproxy.message')
ORDER BY ts NULLS FIRST, node, source_id, line_no;
