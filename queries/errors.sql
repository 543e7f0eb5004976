-- @name errors
-- @title Failures by cause
-- @description Sessions that did not end well, grouped by status, cause, backend and server, worst first, with
--   the first and last time seen and up to three raw lines as evidence.
-- @param since, until, backend
WITH s AS (SELECT * FROM session_causes($since, $until, $backend) WHERE cause <> 'ok'),
grouped AS (
  SELECT status, cause, cause_confidence, backend, server, count(*) AS count, min(ts) AS first, max(ts) AS last,
    list(DISTINCT termination ORDER BY termination) AS terminations,
    -- The first three lines only: a list of every session of a large group would not fit in memory.
    min_by(struct_pack(source_id := source_id, line_no := line_no), (epoch_ms(ts), source_id, line_no), 3) AS samples
  FROM s GROUP BY ALL
)
SELECT g.status, g.cause, g.cause_confidence, g.backend, g.server, g.count, g.first, g.last, g.terminations,
  (SELECT list(r.raw ORDER BY r.line_no) FROM raw_lines r, unnest(g.samples) AS u(k)
    WHERE r.source_id = k.source_id AND r.line_no = k.line_no) AS evidence,
  -- The server went DOWN around these failures (or tunnels were cut at once): a crash or a restart.
  (SELECT count(*) FROM events e WHERE e.proxy = g.backend AND e.server = g.server AND e.kind IN ('server.down', 'check.failed')
     AND e.ts BETWEEN g.first - INTERVAL 30 SECOND AND g.last + INTERVAL 30 SECOND) AS down_events_nearby
FROM grouped g
ORDER BY (g.status >= 500) DESC NULLS LAST, g.count DESC, g.cause, g.backend, g.server;
