-- @name session-list-slices
-- @title Slices of the session list
-- @description Where the session list is cut so that no sort holds much more than $slice_rows sessions: the first
--   second of each slice, in time order. The list is its slices one after another, each sorted on its own (a sort of
--   tens of millions of sessions in one piece needs more of DuckDB's memory than an analysis is given). A second is
--   never cut, so a slice holds at most $slice_rows sessions and one second's more.
-- @param since, until, backend, slice_rows
WITH seconds AS (
  SELECT time_bucket(INTERVAL 1 SECOND, ts) AS second, count(*) AS n
  FROM sessions_in($since, $until, $backend)
  WHERE ts IS NOT NULL
  GROUP BY second
),
running AS (SELECT second, CAST(sum(n) OVER (ORDER BY second) - n AS BIGINT) AS before FROM seconds)
SELECT min(second) AS slice_from
FROM running
GROUP BY before // CAST($slice_rows AS BIGINT)
ORDER BY slice_from;
