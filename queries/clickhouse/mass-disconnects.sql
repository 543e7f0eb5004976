-- @name mass-disconnects
-- @param since, until, backend, min_count
SELECT backend, server, fromUnixTimestamp64Micro(toInt64(start_ms * 1000), 'UTC') AS second, tunnels, cut, terminations,
  toFloat64(round(toDecimal128(median_duration_ms, 9))) AS median_duration_ms, toFloat64(round(toDecimal128(per_second, 9), 2)) AS usual_per_second,
  down_events_nearby, down_after, down_reason, toBool(cut = 0) AS all_clean
FROM mass_disconnect_bursts(since_ts = {since:Nullable(DateTime64(6, 'UTC'))}, until_ts = {until:Nullable(DateTime64(6, 'UTC'))}, backend_name = {backend:Nullable(String)}, min_count = {min_count:Nullable(Int64)})
ORDER BY cut DESC, tunnels DESC, second, backend, server LIMIT 50;
