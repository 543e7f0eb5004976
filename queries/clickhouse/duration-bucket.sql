-- @name duration-bucket
-- @kind setup
-- The function duration_bucket(ms): queries/duration-bucket.sql as a ClickHouse SQL function.
(ms) -> if(ms <= 10, 10, toInt64(round(pow(10, floor(log10(ms) - 1e-9)) * multiIf(
  ms / pow(10, floor(log10(ms) - 1e-9)) <= 1 + 1e-9, 1,
  ms / pow(10, floor(log10(ms) - 1e-9)) <= 2 + 1e-9, 2,
  ms / pow(10, floor(log10(ms) - 1e-9)) <= 5 + 1e-9, 5,
  10))))
