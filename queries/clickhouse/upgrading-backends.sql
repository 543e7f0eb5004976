-- @name upgrading-backends
-- @param since, until, backend
SELECT backend, max(upgraded) AS upgraded FROM session_causes(since_ts = {since:Nullable(DateTime64(6, 'UTC'))}, until_ts = {until:Nullable(DateTime64(6, 'UTC'))}, backend_name = {backend:Nullable(String)})
WHERE (upgraded OR upgrade_requested OR upgrade_inferred) AND backend IS NOT NULL
GROUP BY backend ORDER BY backend;
