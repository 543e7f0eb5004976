-- @name session-rates
-- @title Sessions and upgrades per second
-- @description Sessions and upgrades in scope and the span they cover: over the newest $rate_ms of a live window
--   ($recent), else over the whole scope.
-- @param since, backend, recent, rate_ms
WITH s AS (SELECT * FROM sessions WHERE ($since IS NULL OR ts >= CAST($since AS TIMESTAMP)) AND ($backend IS NULL OR backend = $backend)),
m AS (SELECT max(ts) AS hi, min(ts) AS lo FROM s)
SELECT count(*) AS n, count(*) FILTER (WHERE upgraded) AS u,
  CASE WHEN $recent THEN $rate_ms ELSE epoch_ms(max(m.hi)) - epoch_ms(max(m.lo)) END AS span_ms
FROM s, m WHERE NOT $recent OR s.ts >= m.hi - to_milliseconds(CAST($rate_ms AS BIGINT));
