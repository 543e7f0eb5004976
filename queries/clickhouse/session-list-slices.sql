-- @name session-list-slices
-- @param since, until, backend, slice_rows
SELECT min(second) AS slice_from
FROM (
  SELECT second, toInt64(sum(n) OVER (ORDER BY second) - n) AS before
  FROM (
    SELECT toStartOfSecond(ts) AS second, count() AS n
    FROM session_causes(since_ts = {since:Nullable(DateTime64(6, 'UTC'))}, until_ts = {until:Nullable(DateTime64(6, 'UTC'))}, backend_name = {backend:Nullable(String)})
    WHERE ts IS NOT NULL
    GROUP BY second
  )
)
GROUP BY intDiv(before, {slice_rows:Int64})
ORDER BY slice_from;
