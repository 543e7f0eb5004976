-- @name upgrading-backends
-- @title Backends the logs show upgrading
-- @description Backends with an upgrade request, or a failed request taken for one (session-causes.sql), and
--   whether one of them completed (a 101): the backends the configuration section of an analysis speaks of.
-- @param since, until, backend
SELECT backend, bool_or(upgraded) AS upgraded FROM session_causes($since, $until, $backend)
WHERE (upgraded OR upgrade_requested OR upgrade_inferred) AND backend IS NOT NULL
GROUP BY backend ORDER BY backend;
