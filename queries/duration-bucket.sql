-- @name duration-bucket
-- @title Tunnel duration buckets
-- @description Defines duration_bucket(ms): the upper bound (ms) of the 1-2-5 bucket a duration falls in, from
--   10 ms up (10, 20, 50, 100, 200, 500 ms, 1 s…): fine enough that a p50 of 355 ms and a timeout of 2 s land
--   in different bars. A duration on a bound belongs to that bound's bucket.
-- @kind setup
CREATE OR REPLACE TEMP MACRO duration_bucket(ms) AS
  CASE WHEN ms <= 10 THEN 10 ELSE (
    -- The epsilon keeps 1000 in the 1000 bucket whatever log10's last bit says.
    CAST(round(pow(10, floor(log10(ms) - 1e-9)) * CASE
      WHEN ms / pow(10, floor(log10(ms) - 1e-9)) <= 1 + 1e-9 THEN 1
      WHEN ms / pow(10, floor(log10(ms) - 1e-9)) <= 2 + 1e-9 THEN 2
      WHEN ms / pow(10, floor(log10(ms) - 1e-9)) <= 5 + 1e-9 THEN 5
      ELSE 10 END) AS BIGINT)
  ) END;
