-- @name queueing
-- @title Queueing
-- @description Per backend, sessions that waited in a queue for a server slot (srv_queue or backend_queue above 0,
--   a wait Tw, or a queue timeout `sQ`/`cQ`), and how many of them were served in the end. Those that gave up are
--   the failures of cause timeout.queue.
-- @param since, until, backend
-- @section details
-- @finding queueing
-- @rank 55
-- @id backend
-- @when served
-- @severity warning
-- @headline {served} sessions of {backend} waited in a queue before a server took them
-- @detail Up to {max_wait_ms|ms} of wait; max srv_queue {max_srv_queue}, backend_queue {max_backend_queue}{?queue_timeouts};
--   {queue_timeouts} more gave up (timeout queue){/}{?maxconn_list}. Servers: {maxconn_list}{/}.
-- @advice Long-lived WebSockets hold server slots: `maxconn` on WebSocket servers must count open tunnels, not
--   requests.
SELECT backend, count(*) AS count, count(*) FILTER (WHERE cause <> 'timeout.queue') AS served,
  max(srv_queue) AS max_srv_queue, max(backend_queue) AS max_backend_queue,
  max(t_queue_ms) AS max_queue_ms, max(t_queue_ms) FILTER (WHERE cause <> 'timeout.queue') AS max_wait_ms,
  count(*) FILTER (WHERE cause = 'timeout.queue') AS queue_timeouts,
  (SELECT string_agg(c.name || ' maxconn ' || c.maxconn, ', ' ORDER BY c.name) FROM config_servers c WHERE c.backend = s.backend AND c.maxconn IS NOT NULL) AS maxconn_list
FROM session_causes($since, $until, $backend) s
-- (A redispatched request carries its retries' turn-around in Tw: not a wait for a slot; a few ms are scheduling.)
WHERE srv_queue > 0 OR backend_queue > 0 OR (t_queue_ms >= 50 AND NOT redispatched) OR cause = 'timeout.queue'
GROUP BY backend ORDER BY count DESC, backend;
