-- @name configured-timeouts
-- @param backend
SELECT proxy AS backend, name, ms, text, concat(file, ':', toString(line)) AS "where"
FROM config_timeouts
WHERE name IN ('tunnel', 'client', 'server') AND ({backend:Nullable(String)} IS NULL OR proxy = {backend:Nullable(String)})
ORDER BY proxy, name;
