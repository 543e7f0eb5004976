-- @name drill-page
-- @title One page of a drill-down
-- @description Keyset paging, so that a page deep into millions of rows costs what the first one does (an OFFSET
--   would sort everything before it): the $limit rows after the anchor ($at_k, $at_source, $at_line) in the
--   direction $dir (1: ascending key, -1: descending), the anchor itself too when $inclusive; from the first row
--   when there is no anchor. The key is (time in µs, source, line): unique and stable while the store grows.
-- @kind drill
-- @param filter, dir, at_k, at_source, at_line, inclusive, limit
SELECT k, source_id, line_no, ts, raw, text FROM drill
WHERE ($filter IS NULL OR contains(lower(text), lower($filter)))
  AND ($at_k IS NULL
    OR (coalesce($inclusive, false) AND (k, source_id, line_no) = (CAST($at_k AS BIGINT), CAST($at_source AS INTEGER), CAST($at_line AS BIGINT)))
    OR CASE WHEN $dir > 0 THEN (k, source_id, line_no) > (CAST($at_k AS BIGINT), CAST($at_source AS INTEGER), CAST($at_line AS BIGINT))
      ELSE (k, source_id, line_no) < (CAST($at_k AS BIGINT), CAST($at_source AS INTEGER), CAST($at_line AS BIGINT)) END)
ORDER BY k * $dir, source_id * $dir, line_no * $dir
LIMIT $limit
