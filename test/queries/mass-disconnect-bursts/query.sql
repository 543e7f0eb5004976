SELECT * FROM mass_disconnect_bursts(NULL, NULL, NULL, 10) ORDER BY backend, server, start_ms;
