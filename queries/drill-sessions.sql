-- @name drill-sessions
-- @title The sessions behind a row
-- @description Rows for a drill-down (Errors, Disconnects, Tunnels, and the findings of the Overview): the
--   sessions that match every filter given (a NULL filter matches all), each with its raw line when one was kept
--   as evidence, else a summary rebuilt from its columns (`raw` false: clean sessions keep no raw line). Paged,
--   counted and searched by the drill-* queries. $status -1 stands for "no status" (TCP mode).
-- @kind rows
-- @param since, scope_backend, backend, server, status, cause, client_ip, from_ts, to_ts, ends_from, ends_to, tunnels_only, interval_ms, upgrade_requested, queued
SELECT epoch_us(coalesce(ts, TIMESTAMP '1970-01-01')) AS k, source_id, line_no, ts, has_raw AS raw, text
FROM session_lines($since, NULL, $scope_backend)
WHERE ($backend IS NULL OR backend = $backend)
  AND ($server IS NULL OR server = $server)
  AND ($status IS NULL OR status IS NOT DISTINCT FROM nullif($status, -1))
  AND ($cause IS NULL OR cause = $cause)
  AND ($client_ip IS NULL OR client_ip = $client_ip)
  AND ($from_ts IS NULL OR ts >= CAST($from_ts AS TIMESTAMP))
  AND ($to_ts IS NULL OR ts < CAST($to_ts AS TIMESTAMP))
  -- Sessions that ended in a span (a mass disconnect): accept time plus duration.
  AND ($ends_from IS NULL OR ts + to_milliseconds(CAST(coalesce(duration_ms, 0) AS BIGINT)) >= CAST($ends_from AS TIMESTAMP))
  AND ($ends_to IS NULL OR ts + to_milliseconds(CAST(coalesce(duration_ms, 0) AS BIGINT)) < CAST($ends_to AS TIMESTAMP))
  AND (NOT coalesce($tunnels_only, false) OR is_tunnel)
  -- A disconnect cluster: tunnels that ended after about its interval (as disconnect-clusters.sql groups them).
  AND ($interval_ms IS NULL OR (is_tunnel AND abs(duration_ms - $interval_ms) <= greatest(50, $interval_ms * 0.02)))
  AND (NOT coalesce($upgrade_requested, false) OR upgrade_requested)
  AND (NOT coalesce($queued, false) OR t_queue_ms > 0 OR srv_queue > 0 OR backend_queue > 0)
