-- @name failure-timeline
-- @title 5xx per cause over the scope
-- @description The scope cut into $buckets equal spans from its first session to its last: 5xx sessions per span
--   and cause, and the span's length, for the Overview's sparklines (per second: count / bucket_ms × 1000).
-- @param since, until, backend, buckets
WITH s AS (
  SELECT ts, cause, status FROM session_causes($since, $until, $backend) WHERE ts IS NOT NULL
),
extent AS (
  SELECT min(ts) AS lo, epoch_ms(max(ts)) - epoch_ms(min(ts)) + 1 AS length_ms FROM s
),
span AS (
  SELECT lo, length_ms, greatest(1000, ceil(length_ms / CAST($buckets AS DOUBLE))) AS bucket_ms FROM extent
)
SELECT s.cause, least(CAST(floor((epoch_ms(s.ts) - epoch_ms(span.lo)) / span.bucket_ms) AS INTEGER), CAST($buckets AS INTEGER) - 1) AS bucket,
  count(*) AS count, any_value(span.bucket_ms) AS bucket_ms,
  CAST(ceil(any_value(span.length_ms) / any_value(span.bucket_ms)) AS INTEGER) AS buckets
FROM s, span
WHERE s.status >= 500
GROUP BY s.cause, bucket
ORDER BY s.cause, bucket;
