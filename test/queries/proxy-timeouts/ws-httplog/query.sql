SELECT * FROM proxy_timeouts() ORDER BY proxy, name;
