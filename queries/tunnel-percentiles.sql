-- @name tunnel-percentiles
-- @title Tunnel duration percentiles, exact, in bounded memory
-- @description Defines the table macro tunnel_percentiles(since, until, backend, by_server, by_prefix): count,
--   p50, p90, p99 and max of tunnel durations per backend (and server, and first path segment, when asked), exactly what
--   DuckDB's quantile_cont gives: the same interpolation in the same double arithmetic. quantile_cont keeps every
--   value of its group in memory, outside DuckDB's memory limit (400 MB more over 15 M tunnels, the three percentiles of
--   tunnels-by-server); here the durations
--   are counted per distinct value (a hash aggregate) and ranked (a sort), which both spill.
-- @kind setup
CREATE OR REPLACE TEMP MACRO tunnel_percentiles(since_ts, until_ts, backend_name, by_server, by_prefix) AS TABLE
WITH counted AS (
  -- Grouped by the names' keys, not their text; the text is taken once per group.
  SELECT backend_key, CASE WHEN by_server THEN server_key END AS server_key,
    CASE WHEN by_prefix THEN path_prefix END AS path_prefix, duration_ms, count(*) AS c,
    any_value(backend) AS backend, any_value(CASE WHEN by_server THEN server END) AS server
  FROM session_causes_keyed(since_ts, until_ts, backend_name)
  WHERE is_tunnel AND duration_ms IS NOT NULL
  GROUP BY backend_key, 2, 3, duration_ms
),
ranked AS (
  -- below: how many durations of the group are shorter than this one; n: the group's count.
  SELECT *,
    CAST(sum(c) OVER (PARTITION BY backend_key, server_key, path_prefix ORDER BY duration_ms ROWS UNBOUNDED PRECEDING) - c AS BIGINT) AS below,
    CAST(sum(c) OVER (PARTITION BY backend_key, server_key, path_prefix) AS BIGINT) AS n
  FROM counted
),
-- quantile_cont's positions: rn = (n - 1) * q lies between the ranks floor(rn) and ceil(rn).
positions AS (
  SELECT *, CAST(n - 1 AS DOUBLE) * 0.5::DOUBLE AS rn50, CAST(n - 1 AS DOUBLE) * 0.9::DOUBLE AS rn90,
    CAST(n - 1 AS DOUBLE) * 0.99::DOUBLE AS rn99
  FROM ranked
),
-- The duration at rank k is the longest with `below` ≤ k.
neighbours AS (
  SELECT any_value(backend) AS backend, any_value(server) AS server, path_prefix, any_value(n) AS n, max(duration_ms) AS max_ms,
    any_value(rn50) AS rn50, any_value(rn90) AS rn90, any_value(rn99) AS rn99,
    CAST(max(duration_ms) FILTER (WHERE below <= floor(rn50)) AS DOUBLE) AS lo50, CAST(max(duration_ms) FILTER (WHERE below <= ceil(rn50)) AS DOUBLE) AS hi50,
    CAST(max(duration_ms) FILTER (WHERE below <= floor(rn90)) AS DOUBLE) AS lo90, CAST(max(duration_ms) FILTER (WHERE below <= ceil(rn90)) AS DOUBLE) AS hi90,
    CAST(max(duration_ms) FILTER (WHERE below <= floor(rn99)) AS DOUBLE) AS lo99, CAST(max(duration_ms) FILTER (WHERE below <= ceil(rn99)) AS DOUBLE) AS hi99
  FROM positions GROUP BY backend_key, server_key, path_prefix
)
-- Weighed as DuckDB weighs doubles: lo * (1 - d) + hi * d, d = rn - floor(rn).
SELECT backend, server, path_prefix, n AS count,
  lo50 * (1.0 - (rn50 - floor(rn50))) + hi50 * (rn50 - floor(rn50)) AS p50,
  lo90 * (1.0 - (rn90 - floor(rn90))) + hi90 * (rn90 - floor(rn90)) AS p90,
  lo99 * (1.0 - (rn99 - floor(rn99))) + hi99 * (rn99 - floor(rn99)) AS p99, max_ms
FROM neighbours;
