-- @name rejects
-- @title Rejected lines
-- @description Lines that were neither a session nor one of HAProxy's events, by reason, with one of them and
--   the first difference the parser found. When no session line at all was understood, nothing else in the
--   analysis can be trusted to be complete: that is said first.
-- @section details
-- @finding rejects
-- @rank 5
-- @id reason
-- @severity {severity}
-- @headline {count} line(s) rejected: {reason}{?no_session} (no session line was understood){/}
-- @detail {share|pct} of the lines read; e.g. line {line_no}: {sample}{?detail} — {detail}{/}
-- @advice[reason=unknown_format] The lines are in a format wsdiag was not told about: pass the configuration HAProxy
--   ran with (--config haproxy.cfg: the log-format of each frontend) or the format itself (--log-format '…', as
--   written after log-format). If this file is a configuration, not a log, give it to --config instead.
-- @advice[reason=truncated] The sender cut these lines (HAProxy's and syslog's `len`, 1024 by default): raise `len`
--   on the `log` line (e.g. `log … len 4096`) and the syslog daemon's maximum message size.
-- @advice[reason=too_long] These lines are longer than --max-line-bytes; raise it if they are real log lines.
-- @advice[reason=damaged_input] A compressed input ended early or was corrupt: the lines after the damage are lost.
-- @advice[reason=partial] Lines stored before their end came (a followed file idle in the middle of a line, or live
--   stopping), or the rest of such a line: the writer flushes lines in pieces.
-- @advice Look at the sample line: it is neither a session nor an event wsdiag knows.
WITH r AS (
  SELECT reason, count(*) AS count, min_by(raw, (source_id, line_no)) AS sample, min_by(line_no, (source_id, line_no)) AS line_no,
    min_by(detail, (source_id, line_no)) AS detail
  FROM rejects GROUP BY reason
),
totals AS (SELECT (SELECT count(*) FROM sessions) AS sessions, greatest((SELECT coalesce(sum(lines_read), 0) FROM ingests), (SELECT count(*) FROM rejects), 1) AS lines)
SELECT r.reason, r.count, round(r.count / t.lines, 4) AS share, r.line_no, left(r.sample, 300) AS sample, r.detail,
  t.sessions = 0 AS no_session,
  CASE WHEN t.sessions = 0 THEN 'critical' WHEN r.count >= 0.01 * t.lines THEN 'warning' ELSE 'info' END AS severity
FROM r, totals t
ORDER BY r.count DESC, r.reason;
