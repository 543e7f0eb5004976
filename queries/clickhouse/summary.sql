-- @name summary
-- @param since, until, backend
WITH s AS (SELECT * FROM session_causes(since_ts = {since:Nullable(DateTime64(6, 'UTC'))}, until_ts = {until:Nullable(DateTime64(6, 'UTC'))}, backend_name = {backend:Nullable(String)})),
runs AS (
  SELECT ifNull(sum(lines_read), 0) AS lines_read, ifNull(sum(sessions), 0) AS stored_sessions,
    ifNull(sum(events), 0) AS stored_events, ifNull(sum(rejects), 0) AS stored_rejects, ifNull(sum(blank), 0) AS blank,
    ifNull(sum(lines_skipped), 0) AS already_ingested, ifNull(sum(lines_rolled_back), 0) AS rolled_back, count() AS ingests
  FROM ingests
)
SELECT
  runs.lines_read - runs.already_ingested - runs.rolled_back AS lines,
  (SELECT count() FROM s) AS sessions,
  (SELECT count() FROM events e WHERE ({since:Nullable(DateTime64(6, 'UTC'))} IS NULL OR e.ts >= {since:Nullable(DateTime64(6, 'UTC'))}) AND ({until:Nullable(DateTime64(6, 'UTC'))} IS NULL OR e.ts < {until:Nullable(DateTime64(6, 'UTC'))})) AS events,
  (SELECT count() FROM rejects) AS rejects,
  (SELECT countIf(upgraded) FROM s) AS upgrades,
  (SELECT countIf(upgrade_requested) FROM s) AS upgrade_requests,
  (SELECT countIf(cause <> 'ok') FROM s) AS failed,
  (SELECT min(ts) FROM s) AS "from",
  (SELECT max(ts) FROM s) AS "to",
  CAST((runs.lines_read, runs.stored_sessions, runs.stored_events, runs.stored_rejects, runs.blank, runs.already_ingested, runs.rolled_back, runs.ingests),
    'Tuple(lines_read Int64, sessions Int64, events Int64, rejects Int64, blank Int64, already_ingested Int64, rolled_back Int64, ingests Int64)') AS accounting
FROM runs;
