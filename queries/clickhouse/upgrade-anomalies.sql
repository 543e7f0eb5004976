-- @name upgrade-anomalies
-- @param since, until, backend
SELECT backend, 'connection-without-upgrade' AS problem,
  count() AS count, countIf(upgraded) AS upgraded_anyway,
  countIf(term_cause = 'P' AND term_state = 'H') AS bad_response,
  countIf(status BETWEEN 400 AND 499) AS refused,
  min(ts) AS first, max(ts) AS last,
  arraySlice(arraySort(groupUniqArray(connection_header)), 1, 5) AS connection_values
FROM session_causes(since_ts = {since:Nullable(DateTime64(6, 'UTC'))}, until_ts = {until:Nullable(DateTime64(6, 'UTC'))}, backend_name = {backend:Nullable(String)})
WHERE connection_without_upgrade AND ifNull(http_version, '') NOT LIKE 'HTTP/2%'
GROUP BY backend ORDER BY count DESC, backend;
