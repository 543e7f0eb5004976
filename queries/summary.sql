-- @name summary
-- @title Summary
-- @description Sessions, events, rejects, upgrades and the time range in scope; and the accounting of the ingest
--   runs behind them, where every line read is a session, an event, a reject, a blank line, a line an earlier
--   run already stored, or a line of a corrupt input rolled back. `lines` counts each stored line once: the
--   lines a later run read again (already ingested) or rolled back are not in it.
-- @param since, until, backend
-- @section summary
-- @fields lines, sessions, events, rejects, upgrades, from, to, accounting
WITH s AS (
  SELECT count(*) AS sessions, count(*) FILTER (WHERE upgraded) AS upgrades, count(*) FILTER (WHERE upgrade_requested) AS upgrade_requests,
    count(*) FILTER (WHERE cause <> 'ok') AS failed, min(ts) AS "from", max(ts) AS "to"
  FROM session_causes($since, $until, $backend)
),
runs AS (
  SELECT coalesce(sum(lines_read), 0) AS lines_read, coalesce(sum(sessions), 0) AS stored_sessions,
    coalesce(sum(events), 0) AS stored_events, coalesce(sum(rejects), 0) AS stored_rejects, coalesce(sum(blank), 0) AS blank,
    coalesce(sum(lines_skipped), 0) AS already_ingested, coalesce(sum(lines_rolled_back), 0) AS rolled_back, count(*) AS ingests
  FROM ingests
)
SELECT
  runs.lines_read - runs.already_ingested - runs.rolled_back AS lines,
  s.sessions,
  (SELECT count(*) FROM events e WHERE ($since IS NULL OR e.ts >= CAST($since AS TIMESTAMP)) AND ($until IS NULL OR e.ts < CAST($until AS TIMESTAMP))) AS events,
  (SELECT count(*) FROM rejects) AS rejects,
  s.upgrades,
  s.upgrade_requests,
  s.failed,
  s."from",
  s."to",
  struct_pack(lines_read := runs.lines_read, sessions := runs.stored_sessions, events := runs.stored_events,
    rejects := runs.stored_rejects, blank := runs.blank, already_ingested := runs.already_ingested,
    rolled_back := runs.rolled_back, ingests := runs.ingests) AS accounting
FROM runs, s;
