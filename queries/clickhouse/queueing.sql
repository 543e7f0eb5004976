-- @name queueing
-- @param since, until, backend
-- The correlated list of maxconn → a join on the servers' list per backend.
WITH q AS (
  SELECT backend, count() AS count, countIf(cause <> 'timeout.queue') AS served,
    max(srv_queue) AS max_srv_queue, max(backend_queue) AS max_backend_queue,
    max(t_queue_ms) AS max_queue_ms, maxIf(t_queue_ms, cause <> 'timeout.queue') AS max_wait_ms,
    countIf(cause = 'timeout.queue') AS queue_timeouts
  FROM session_causes(since_ts = {since:Nullable(DateTime64(6, 'UTC'))}, until_ts = {until:Nullable(DateTime64(6, 'UTC'))}, backend_name = {backend:Nullable(String)})
  WHERE srv_queue > 0 OR backend_queue > 0 OR (t_queue_ms >= 50 AND NOT redispatched) OR cause = 'timeout.queue'
  GROUP BY backend
),
maxconn AS (
  SELECT backend, arrayStringConcat(arrayMap(x -> concat(x.1, ' maxconn ', toString(x.2)), arraySort(groupArray((name, maxconn)))), ', ') AS maxconn_list
  FROM config_servers WHERE maxconn IS NOT NULL GROUP BY backend
)
SELECT q.backend AS backend, q.count AS count, q.served AS served, q.max_srv_queue AS max_srv_queue, q.max_backend_queue AS max_backend_queue,
  q.max_queue_ms AS max_queue_ms, q.max_wait_ms AS max_wait_ms, q.queue_timeouts AS queue_timeouts, m.maxconn_list AS maxconn_list
FROM q LEFT JOIN maxconn m ON m.backend = q.backend
ORDER BY count DESC, backend;
