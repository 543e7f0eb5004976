-- @name configured-timeouts
-- @title Timeouts that cut idle tunnels, per backend
-- @description From the configuration: timeout tunnel of each backend, and the client/server timeouts that apply
--   without it, to mark them on the tunnel duration charts.
-- @param backend
SELECT proxy AS backend, name, ms, text, file || ':' || line AS "where"
FROM config_timeouts
WHERE name IN ('tunnel', 'client', 'server') AND ($backend IS NULL OR proxy = $backend)
ORDER BY proxy, name;
