SELECT line_no, has_raw, text FROM session_lines(NULL, NULL, NULL) ORDER BY source_id, line_no;
