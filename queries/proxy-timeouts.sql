-- @name proxy-timeouts
-- @title Timeouts of every proxy
-- @description Defines the table macro proxy_timeouts(): each proxy's configured timeouts (client, server,
--   tunnel, …) in ms, as written, and where they are set. session_causes reads it.
-- @kind setup
CREATE OR REPLACE TEMP MACRO proxy_timeouts() AS TABLE
SELECT proxy, name, min(ms) AS ms, min(text) AS text, min(file || ':' || line) AS where_set
FROM config_timeouts GROUP BY proxy, name;
