-- @name failures-over-time
-- @title Failures over time
-- @description Failed sessions per time bucket and cause (5xx and every cause but ok / client.abort), for charts.
-- @param since, until, backend, bucket_seconds
SELECT time_bucket(to_seconds(CAST($bucket_seconds AS BIGINT)), ts) AS bucket, cause, count(*) AS count
FROM session_causes($since, $until, $backend)
WHERE ts IS NOT NULL AND (status >= 500 OR cause NOT IN ('ok', 'client.abort', 'logged-early'))
GROUP BY ALL ORDER BY bucket, cause;
