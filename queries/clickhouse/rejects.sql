-- @name rejects
WITH r AS (
  SELECT reason, count() AS count, argMin(raw, (source_id, line_no)) AS sample, argMin(line_no, (source_id, line_no)) AS line_no,
    argMin(detail, (source_id, line_no)) AS detail
  FROM rejects GROUP BY reason
),
totals AS (SELECT (SELECT count() FROM sessions) AS sessions, greatest(toInt64((SELECT ifNull(sum(lines_read), 0) FROM ingests)), toInt64((SELECT count() FROM rejects)), toInt64(1)) AS lines)
SELECT r.reason AS reason, r.count AS count, toFloat64(round(toDecimal128(r.count / t.lines, 9), 4)) AS share, r.line_no AS line_no,
  leftUTF8(r.sample, 300) AS sample, r.detail AS detail,
  toBool(t.sessions = 0) AS no_session,
  CASE WHEN t.sessions = 0 THEN 'critical' WHEN r.count >= 0.01 * t.lines THEN 'warning' ELSE 'info' END AS severity
FROM r, totals t
ORDER BY r.count DESC, r.reason;
