-- @name drill-backend
-- @title The sessions (or tunnels) of one backend
-- @description Enter on a row of Sticky or Tunnels: the backend's newest sessions, or only its tunnels.
-- @param since, backend, tunnels_only, limit
SELECT source_id, line_no, text FROM session_lines($since, NULL, $backend)
WHERE NOT $tunnels_only OR is_tunnel
ORDER BY ts DESC, source_id, line_no LIMIT $limit;
