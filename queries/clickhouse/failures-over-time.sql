-- @name failures-over-time
-- @param since, until, backend, bucket_seconds
-- time_bucket counts its buckets from 2000-01-03 00:00:00 UTC (DuckDB's origin); toStartOfInterval from 1970.
SELECT fromUnixTimestamp64Milli(toInt64(946857600000 + intDiv(toUnixTimestamp64Milli(ts) - 946857600000, {bucket_seconds:Int64} * 1000) * {bucket_seconds:Int64} * 1000), 'UTC') AS bucket,
  cause, count() AS count
FROM session_causes(since_ts = {since:Nullable(DateTime64(6, 'UTC'))}, until_ts = {until:Nullable(DateTime64(6, 'UTC'))}, backend_name = {backend:Nullable(String)})
WHERE ts IS NOT NULL AND (status >= 500 OR cause NOT IN ('ok', 'client.abort', 'logged-early'))
GROUP BY bucket, cause ORDER BY bucket, cause;
