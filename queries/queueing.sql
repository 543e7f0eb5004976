-- @name queueing
-- @title Queueing
-- @description Sessions that waited in a queue (srv_queue or backend_queue above 0, or a queue timeout `sQ`/`cQ`).
-- @param since, until, backend
SELECT backend, server, count(*) AS count, max(srv_queue) AS max_srv_queue, max(backend_queue) AS max_backend_queue,
  max(t_queue_ms) AS max_queue_ms, count(*) FILTER (WHERE term_state = 'Q') AS queue_timeouts
FROM session_causes($since, $until, $backend)
WHERE srv_queue > 0 OR backend_queue > 0 OR term_state = 'Q'
GROUP BY ALL ORDER BY count DESC, backend, server;
