-- @name drill-disconnect
-- @title The tunnels of one disconnect cluster
-- @description Enter on a row of Disconnects: tunnels of the backend that ended after about the cluster's interval.
-- @param since, backend, interval_ms, limit
SELECT source_id, line_no, text FROM session_lines($since, NULL, $backend)
WHERE is_tunnel AND abs(duration_ms - $interval_ms) <= greatest(50, $interval_ms * 0.02)
ORDER BY ts, source_id, line_no LIMIT $limit;
