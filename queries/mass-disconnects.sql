-- @name mass-disconnects
-- @title Mass disconnects
-- @description Many tunnels of one server ending within one second (mass_disconnect_bursts): a restart, a deploy
--   or a crash of that server. Its DOWN event ties clean closes to it; bursts of short sessions or a server's usual
--   traffic are not one.
-- @param since, until, backend, min_count
-- @section details
-- @finding mass-disconnect
-- @rank 30
-- @id backend, server, second
-- @severity critical
-- @headline {tunnels} tunnels of {backend}/{server} closed within one second at {second}
-- @detail Terminations {terminations}; they had lived {median_duration_ms|ms} (median); usually {usual_per_second}
--   tunnel end(s) a second on that server.{?down_after} {backend}/{server} went DOWN at {down_after}{?down_reason}
--   ({down_reason}){/}: it crashed or was killed{?all_clean}, and its tunnels were closed without an error (`----`,
--   the kernel closing a killed process's sockets){/}.{/}{!down_after}{?down_events_nearby} {down_events_nearby}
--   DOWN event(s) of that server within 30 s.{/}{/}
-- @advice A restart, deploy or crash of that server: drain servers before restarting them (`set server … state
--   drain`), and let clients reconnect with backoff and jitter.
SELECT backend, server, make_timestamp(start_ms * 1000) AS second, tunnels, cut, terminations,
  round(median_duration_ms) AS median_duration_ms, round(per_second, 2) AS usual_per_second,
  down_events_nearby, down_after, down_reason, cut = 0 AS all_clean
FROM mass_disconnect_bursts($since, $until, $backend, $min_count)
ORDER BY cut DESC, tunnels DESC, second, backend, server LIMIT 50;
