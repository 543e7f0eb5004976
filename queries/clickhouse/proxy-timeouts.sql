-- @name proxy-timeouts
-- @kind setup
SELECT proxy, name, min(ms) AS ms, min(text) AS text, min(concat(file, ':', toString(line))) AS where_set
FROM config_timeouts GROUP BY proxy, name;
