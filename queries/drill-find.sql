-- @name drill-find
-- @title The next row of a drill-down that contains a text
-- @description Search (/, n, N): the first row after the anchor in the direction $dir whose text contains $term
--   (case-insensitive; among the rows the filter keeps), and its position in the view's order $order (1: oldest
--   first, -1: newest first), counted from 0. No anchor: from the first row in that direction.
-- @kind drill
-- @param filter, dir, order, at_k, at_source, at_line, term
WITH f AS (
  SELECT k, source_id, line_no, text FROM drill WHERE $filter IS NULL OR contains(lower(text), lower($filter))
),
hit AS (
  SELECT k, source_id, line_no FROM f
  WHERE contains(lower(text), lower($term))
    AND ($at_k IS NULL OR CASE WHEN $dir > 0 THEN (k, source_id, line_no) > (CAST($at_k AS BIGINT), CAST($at_source AS INTEGER), CAST($at_line AS BIGINT))
      ELSE (k, source_id, line_no) < (CAST($at_k AS BIGINT), CAST($at_source AS INTEGER), CAST($at_line AS BIGINT)) END)
  ORDER BY k * $dir, source_id * $dir, line_no * $dir
  LIMIT 1
)
SELECT hit.k, hit.source_id, hit.line_no,
  (SELECT count(*) FROM f WHERE CASE WHEN $order > 0 THEN (f.k, f.source_id, f.line_no) < (hit.k, hit.source_id, hit.line_no)
    ELSE (f.k, f.source_id, f.line_no) > (hit.k, hit.source_id, hit.line_no) END) AS idx
FROM hit
