-- @name drill-count
-- @title How many rows a drill-down has
-- @description The "of N" of a drill-down: its rows (`drill`, one of the queries of kind rows) that contain the
--   filter text, case-insensitive.
-- @kind drill
-- @param filter
SELECT count(*) AS total FROM drill WHERE $filter IS NULL OR contains(lower(text), lower($filter))
