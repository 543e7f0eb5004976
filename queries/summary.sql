-- @name summary
-- @title Summary
-- @description Lines, sessions, events, rejects, upgrades and the time range in scope.
-- @param since, until, backend
-- @section summary
-- @fields lines, sessions, events, rejects, upgrades, from, to
WITH s AS (SELECT * FROM session_causes($since, $until, $backend))
SELECT
  (SELECT coalesce(sum(lines_read), 0) FROM ingests) AS lines,
  (SELECT count(*) FROM s) AS sessions,
  (SELECT count(*) FROM events e WHERE ($since IS NULL OR e.ts >= CAST($since AS TIMESTAMP)) AND ($until IS NULL OR e.ts < CAST($until AS TIMESTAMP))) AS events,
  (SELECT count(*) FROM rejects) AS rejects,
  (SELECT count(*) FILTER (WHERE upgraded) FROM s) AS upgrades,
  (SELECT count(*) FILTER (WHERE upgrade_requested) FROM s) AS upgrade_requests,
  (SELECT count(*) FILTER (WHERE cause <> 'ok') FROM s) AS failed,
  (SELECT min(ts) FROM s) AS "from",
  (SELECT max(ts) FROM s) AS "to";
