/**
 * The DuckDB schema. `session_rows` is the physical table, narrow on purpose: DuckDB's insert cost grows
 * with every column and every VARCHAR value is one native call from Node, so low-cardinality names
 * (frontend, backend, server, termination state, method…) are stored as ids into `names`, IPv4 addresses
 * as integers, and absent numbers as a sentinel. The `sessions` view turns all of that back into the
 * readable, typed columns that queries and users see (absent values as NULL, never as -1).
 */

/** Stored for an absent INTEGER value; the view turns it into NULL. */
export const ABSENT = -2147483648;

/** Bits of session_rows.flags. */
export const SessionFlag = {
  ssl: 1,
  logasap: 2,
  redispatched: 4,
  truncated: 8,
  invalidUtf8: 16,
} as const;

export type ColumnType = 'INTEGER' | 'DOUBLE' | 'VARCHAR';

/** Physical columns, in append order. `name` columns hold ids into `names`. */
export const SESSION_COLUMNS = [
  ['source_id', 'INTEGER'],
  ['line_no', 'INTEGER'],
  ['ts_ms', 'DOUBLE'],
  ['format_id', 'INTEGER'],
  ['host_id', 'INTEGER'],
  ['pid', 'INTEGER'],
  ['client_ip4', 'INTEGER'],
  ['client_ip_id', 'INTEGER'],
  ['client_port', 'INTEGER'],
  ['frontend_id', 'INTEGER'],
  ['backend_id', 'INTEGER'],
  ['server_id', 'INTEGER'],
  ['t_request', 'INTEGER'],
  ['t_queue', 'INTEGER'],
  ['t_connect', 'INTEGER'],
  ['t_response', 'INTEGER'],
  ['t_active', 'INTEGER'],
  ['t_total', 'INTEGER'],
  ['status', 'INTEGER'],
  ['bytes_read', 'DOUBLE'],
  ['termination_id', 'INTEGER'],
  ['actconn', 'INTEGER'],
  ['feconn', 'INTEGER'],
  ['beconn', 'INTEGER'],
  ['srvconn', 'INTEGER'],
  ['retries', 'INTEGER'],
  ['srv_queue', 'INTEGER'],
  ['backend_queue', 'INTEGER'],
  ['method_id', 'INTEGER'],
  ['version_id', 'INTEGER'],
  ['upgrade_id', 'INTEGER'],
  ['connection_id', 'INTEGER'],
  ['req_cookie_id', 'INTEGER'],
  ['res_cookie_id', 'INTEGER'],
  ['flags', 'INTEGER'],
  ['uri', 'VARCHAR'],
  ['req_headers', 'VARCHAR'],
  ['res_headers', 'VARCHAR'],
  /** JSON object of the fields only some formats have (custom variables, TLS details, %Th, %U…). */
  ['extra', 'VARCHAR'],
  /**
   * The line itself when the session is kept as evidence (see isEvidence), else NULL. Last, so that older files get
   * it by ALTER TABLE (see migrationSql). A column of the session's row rather than a row of a table of its own:
   * an ingest appends ~28% of its lines as evidence, and a second table took ~40% more of the store's time and left
   * free blocks in the file (bench/evidence-layout.ts).
   */
  ['raw', 'VARCHAR'],
] as const satisfies readonly (readonly [string, ColumnType])[];

export type SessionColumn = (typeof SESSION_COLUMNS)[number][0];

/** The view's short name for each name-id column of session_rows: `name('fe')` is the frontend's name. */
const NAME_COLUMNS: Readonly<Record<string, SessionColumn>> = {
  fmt: 'format_id', host: 'host_id', ip: 'client_ip_id', fe: 'frontend_id', be: 'backend_id', srv: 'server_id',
  term: 'termination_id', meth: 'method_id', ver: 'version_id', upg: 'upgrade_id', conn: 'connection_id',
  rqc: 'req_cookie_id', rsc: 'res_cookie_id',
};

/** The columns of session_rows that hold a name's id. */
export const NAME_ID_COLUMNS: readonly SessionColumn[] = Object.values(NAME_COLUMNS);

const nullIf = (column: string): string => `NULLIF(r.${column}, ${ABSENT})`;
/**
 * A name column's value: its id (from 1; ABSENT or NULL when none) indexes one list of every name, built once
 * per query. Thirteen hash joins on the names table did the same, but each took its own partitioned hash table
 * (about 90 MB of DuckDB's memory for every query over the view, however few the names).
 */
const name = (alias: string, list = 'names'): string => `CASE WHEN r.${NAME_COLUMNS[alias]} > 0 THEN dictionary.${list}[r.${NAME_COLUMNS[alias]}] END`;

/** The four characters of a termination state (section 8.5) as columns, from the SQL expression `term`. */
export function terminationFlags(term: string): string {
  return [
    `substr(${term}, 1, 1) AS term_cause`,
    `substr(${term}, 2, 1) AS term_state`,
    `NULLIF(substr(${term}, 3, 1), '') AS term_cookie_client`,
    `NULLIF(substr(${term}, 4, 1), '') AS term_cookie_server`,
  ].join(',\n  ');
}

/**
 * Every name once, as lists indexed by id, with what the view derives from a name computed per name rather than
 * per session: a termination state's four characters, whether an Upgrade header asks for websocket. Reading
 * those for millions of sessions is then a list lookup instead of a string function each.
 */
const DICTIONARY = `(
  SELECT list(n.value ORDER BY g.i) AS names,
    list(substr(n.value, 1, 1) ORDER BY g.i) AS char1,
    list(substr(n.value, 2, 1) ORDER BY g.i) AS char2,
    list(NULLIF(substr(n.value, 3, 1), '') ORDER BY g.i) AS char3,
    list(NULLIF(substr(n.value, 4, 1), '') ORDER BY g.i) AS char4,
    list(lower(n.value) LIKE '%websocket%' ORDER BY g.i) AS websocket,
    list(n.name_key ORDER BY g.i) AS keys
  FROM range(1, (SELECT coalesce(max(id), 0) + 1 FROM names)) g(i)
  -- A name's key: the smallest id of its value (live mode may give a value seen again a new id).
  LEFT JOIN (SELECT id, value, min(id) OVER (PARTITION BY value) AS name_key FROM names) n ON n.id = g.i
) dictionary`;

/** An IPv4 address stored as an INTEGER (the SQL expression `ip4`), as text. */
export const ipv4Text = (ip4: string): string => `concat_ws('.', (${ip4} >> 24) & 255, (${ip4} >> 16) & 255, (${ip4} >> 8) & 255, ${ip4} & 255)`;

/** A session's time: ts_ms is NaN when the line had none. */
const TS = 'CASE WHEN isnan(r.ts_ms) THEN NULL ELSE make_timestamp(CAST(r.ts_ms * 1000 AS BIGINT)) END';

/** The columns of the sessions view (readable, typed: absent values as NULL, never as -1), over session_rows `r`. */
const SESSION_VIEW_COLUMNS = `r.source_id,
  src.path AS source,
  r.line_no,
  ${TS} AS ts,
  ${name('fmt')} AS format,
  ${name('host')} AS host,
  ${nullIf('pid')} AS pid,
  COALESCE(${name('ip')}, CASE WHEN r.client_ip4 = ${ABSENT} THEN NULL ELSE ${ipv4Text('r.client_ip4')} END) AS client_ip,
  ${nullIf('client_port')} AS client_port,
  ${name('fe')} AS frontend,
  (r.flags & 1) <> 0 AS ssl,
  ${name('be')} AS backend,
  ${name('srv')} AS server,
  ${nullIf('t_request')} AS t_request_ms,
  ${nullIf('t_queue')} AS t_queue_ms,
  ${nullIf('t_connect')} AS t_connect_ms,
  ${nullIf('t_response')} AS t_response_ms,
  ${nullIf('t_active')} AS t_active_ms,
  ${nullIf('t_total')} AS t_total_ms,
  -- How long the session lasted: Tt where the format has it (tcplog, custom), else Ta (httplog).
  COALESCE(${nullIf('t_total')}, ${nullIf('t_active')}) AS duration_ms,
  ${nullIf('status')} AS status,
  CASE WHEN isnan(r.bytes_read) THEN NULL ELSE CAST(r.bytes_read AS BIGINT) END AS bytes_read,
  ${name('term')} AS termination,
  ${name('term', 'char1')} AS term_cause,
  ${name('term', 'char2')} AS term_state,
  ${name('term', 'char3')} AS term_cookie_client,
  ${name('term', 'char4')} AS term_cookie_server,
  ${nullIf('actconn')} AS actconn,
  ${nullIf('feconn')} AS feconn,
  ${nullIf('beconn')} AS beconn,
  ${nullIf('srvconn')} AS srv_conn,
  ${nullIf('retries')} AS retries,
  (r.flags & 4) <> 0 AS redispatched,
  ${nullIf('srv_queue')} AS srv_queue,
  ${nullIf('backend_queue')} AS backend_queue,
  ${name('meth')} AS method,
  r.uri AS uri,
  ${name('ver')} AS http_version,
  ${name('upg')} AS upgrade_header,
  ${name('conn')} AS connection_header,
  ${name('rqc')} AS request_cookie,
  ${name('rsc')} AS response_cookie,
  r.req_headers AS request_headers,
  r.res_headers AS response_headers,
  ${nullIf('status')} = 101 AS upgraded,
  -- An upgrade was asked for: the Upgrade header says websocket, or the server switched protocols.
  (${nullIf('status')} = 101 OR ${name('upg', 'websocket')}) AS upgrade_requested,
  (r.flags & 2) <> 0 AS logasap,
  (r.flags & 8) <> 0 AS truncated,
  (r.flags & 16) <> 0 AS invalid_utf8,
  CAST(r.extra AS JSON) AS extra`;

const SESSION_VIEW_FROM = `FROM session_rows r
LEFT JOIN sources src ON src.source_id = r.source_id
CROSS JOIN ${DICTIONARY}`;

/**
 * Each name column as a number: the smallest id of its name (two sessions have the same key exactly when they have
 * the same name, NULL when none), and the client address as one (an IPv4 address from 0, see clientIpOfKey, or
 * minus the key of its name). Diagnoses over millions of sessions group and join on these, since integers hash and compare faster than
 * text. Unstable across runs (live mode renumbers names): never shown.
 */
export const SESSION_KEY_COLUMNS = [
  'frontend_key', 'backend_key', 'server_key', 'termination_key', 'method_key', 'version_key', 'upgrade_key', 'connection_key', 'client_key',
] as const;

/** The client address of a client_key (the SQL expression `key`), as text; `names` lists the names by id. */
export const clientIpOfKey = (key: string, names: string): string =>
  `CASE WHEN ${key} < 0 THEN ${names}[-${key}] ELSE ${ipv4Text(`CAST(${key} + ${ABSENT} AS INTEGER)`)} END`;

/**
 * `sessions_in(since, until, backend)`: the sessions view's rows in a window and of one backend (NULL: no bound),
 * with SESSION_KEY_COLUMNS at the end. The window and the backend are tested on the stored columns, so DuckDB skips
 * the row groups whose times lie outside the window (their min/max) instead of decoding every session's time:
 * an hour of a month reads about an hour of rows. A macro of each connection (TEMP): it reads a file opened
 * read-only as it was written.
 */
export const SESSIONS_IN_SQL = `CREATE OR REPLACE TEMP MACRO sessions_in(since_ts, until_ts, backend_name) AS TABLE
SELECT ${SESSION_VIEW_COLUMNS},
  ${name('fe', 'keys')} AS frontend_key, ${name('be', 'keys')} AS backend_key, ${name('srv', 'keys')} AS server_key,
  ${name('term', 'keys')} AS termination_key, ${name('meth', 'keys')} AS method_key, ${name('ver', 'keys')} AS version_key,
  ${name('upg', 'keys')} AS upgrade_key, ${name('conn', 'keys')} AS connection_key,
  CASE WHEN r.client_ip_id > 0 THEN -${name('ip', 'keys')} WHEN r.client_ip4 <> ${ABSENT} THEN CAST(r.client_ip4 AS BIGINT) - ${ABSENT} END AS client_key
${SESSION_VIEW_FROM}
-- ts_ms is in ms (NaN without a time, which sorts above every number): bounds on it a little wider than the
-- window keep every row of the window, and the exact test on ts then leaves out what lies outside it.
WHERE (since_ts IS NULL OR (r.ts_ms >= epoch_ms(CAST(since_ts AS TIMESTAMP)) - 2 AND ${TS} >= CAST(since_ts AS TIMESTAMP)))
  AND (until_ts IS NULL OR (r.ts_ms < epoch_ms(CAST(until_ts AS TIMESTAMP)) + 2 AND ${TS} < CAST(until_ts AS TIMESTAMP)))
  AND (backend_name IS NULL OR r.backend_id IN (SELECT id FROM names WHERE value = backend_name))`;

/**
 * How a database file stores the evidence lines' text. DuckDB would pick FSST, and compressing ~570 k lines of
 * ~210 characters at each COMMIT cost a 2 M-line ingest ~1.5 s of CPU and ~35 MiB of peak RSS (9.4–10.4 s and
 * 384–394 MiB against 8.5–9.4 s and 346–363 MiB), for a file 80 MB smaller (138 against 218 MB). The ingest's
 * speed and memory bound matter more here than the file's size; the lines are only ever read a few at a time,
 * as samples. (An in-memory store, live mode's, keeps DuckDB's choice: its memory is the bound.)
 */
const RAW_TEXT_IN_FILE = 'USING COMPRESSION uncompressed';

/**
 * What a file written by an earlier version needs before schemaSql: its evidence lines were a table `raw_lines`
 * (the name of a view now), and its session_rows had no `raw` column. The table keeps its rows under its new name;
 * the column is added NULL. `hasRawLinesTable`: the file has a table (not a view) of that name.
 */
export const migrationSql = (hasRawLinesTable: boolean): string => `
${hasRawLinesTable ? 'ALTER TABLE raw_lines RENAME TO raw_line_rows;' : ''}
ALTER TABLE session_rows ADD COLUMN IF NOT EXISTS raw VARCHAR ${RAW_TEXT_IN_FILE};
`;

/** The schema of a database file (`onDisk`) or of an in-memory store. */
export const schemaSql = (onDisk: boolean): string => `
CREATE TABLE IF NOT EXISTS names (id INTEGER PRIMARY KEY, value VARCHAR NOT NULL);

-- One row per content read: a file, a .gz, stdin, or one file of a followed path (each rotation or truncation
-- starts a new one). The resume point (offset, tail_hash) is saved in the same transaction as the rows.
CREATE SEQUENCE IF NOT EXISTS source_ids START 1;
CREATE TABLE IF NOT EXISTS sources (
  source_id INTEGER PRIMARY KEY,
  path VARCHAR NOT NULL,
  compressed BOOLEAN NOT NULL,
  fingerprint VARCHAR,
  fingerprint_bytes INTEGER,
  lines BIGINT NOT NULL DEFAULT 0,
  bytes BIGINT NOT NULL DEFAULT 0,
  status VARCHAR NOT NULL DEFAULT 'ok',
  message VARCHAR,
  first_ingest_id INTEGER,
  last_ingest_id INTEGER
);
-- Stores written before resume points were kept get the columns (NULL: resumed by line count).
ALTER TABLE sources ADD COLUMN IF NOT EXISTS "offset" BIGINT;
ALTER TABLE sources ADD COLUMN IF NOT EXISTS tail_hash VARCHAR;
ALTER TABLE sources ADD COLUMN IF NOT EXISTS tail_bytes INTEGER;
ALTER TABLE sources ADD COLUMN IF NOT EXISTS inside_line BOOLEAN;

-- What happened to an input while it was read, that no line says: a truncation in place (copytruncate) and the
-- bytes lost with it, a rotation, an input that looked known but was not and was read as new.
CREATE TABLE IF NOT EXISTS input_events (
  ingest_id INTEGER,
  source_id INTEGER,
  ts TIMESTAMP NOT NULL,
  path VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  "offset" BIGINT,
  lost_bytes BIGINT,
  message VARCHAR NOT NULL
);

CREATE SEQUENCE IF NOT EXISTS ingest_ids START 1;
CREATE TABLE IF NOT EXISTS ingests (
  ingest_id INTEGER PRIMARY KEY,
  started_at TIMESTAMP NOT NULL,
  inputs VARCHAR NOT NULL,
  lines_read BIGINT NOT NULL,
  lines_skipped BIGINT NOT NULL,
  lines_rolled_back BIGINT NOT NULL,
  sessions BIGINT NOT NULL,
  events BIGINT NOT NULL,
  rejects BIGINT NOT NULL,
  blank BIGINT NOT NULL,
  bytes BIGINT NOT NULL,
  seconds DOUBLE NOT NULL,
  status VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS session_rows (
${SESSION_COLUMNS.map(([c, t]) => `  ${c} ${t}${c === 'raw' && onDisk ? ` ${RAW_TEXT_IN_FILE}` : ''}`).join(',\n')}
);

CREATE TABLE IF NOT EXISTS events (
  source_id INTEGER NOT NULL,
  line_no INTEGER NOT NULL,
  ts TIMESTAMP,
  host VARCHAR,
  pid INTEGER,
  kind VARCHAR NOT NULL,
  proxy VARCHAR,
  server VARCHAR,
  reason VARCHAR,
  check_code INTEGER,
  check_info VARCHAR,
  check_duration_ms INTEGER,
  active_servers INTEGER,
  backup_servers INTEGER,
  sessions_active INTEGER,
  requeued INTEGER,
  client_ip VARCHAR,
  client_port INTEGER,
  message VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS rejects (
  source_id INTEGER NOT NULL,
  line_no INTEGER NOT NULL,
  ts TIMESTAMP,
  reason VARCHAR NOT NULL,
  detail VARCHAR,
  raw VARCHAR NOT NULL,
  raw_bytes BLOB
);

-- The evidence lines that are not a session's raw column: any line whose bytes were not valid UTF-8 (raw_bytes
-- keeps them exactly), and every evidence line of a file written before session_rows had that column.
CREATE TABLE IF NOT EXISTS raw_line_rows (
  source_id INTEGER NOT NULL,
  line_no INTEGER NOT NULL,
  raw VARCHAR ${onDisk ? RAW_TEXT_IN_FILE : ''} NOT NULL,
  raw_bytes BLOB
);

-- Raw text of the lines worth showing as evidence: failed or unusual sessions, and any line whose bytes were not
-- valid UTF-8. What queries (and users) read; a file opened read-only as it was written has a table of that name.
CREATE OR REPLACE VIEW raw_lines AS
SELECT source_id, line_no, raw, CAST(NULL AS BLOB) AS raw_bytes FROM session_rows WHERE raw IS NOT NULL
UNION ALL
SELECT source_id, line_no, raw, raw_bytes FROM raw_line_rows;

CREATE OR REPLACE VIEW sessions AS
SELECT
  ${SESSION_VIEW_COLUMNS}
${SESSION_VIEW_FROM};
`;

/**
 * The configuration as tables, so that diagnostic SQL can join on it (see config-tables.ts); empty without --config.
 */
export const CONFIG_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS config_proxies (
  name VARCHAR, kind VARCHAR, mode VARCHAR, file VARCHAR, line INTEGER, inherits VARCHAR,
  log_format_kind VARCHAR, log_format VARCHAR, balance VARCHAR, hash_type VARCHAR,
  cookie_name VARCHAR, cookie_mode VARCHAR, cookie_flags VARCHAR, stick VARCHAR,
  redispatch BOOLEAN, http_server_close BOOLEAN, httpclose BOOLEAN, forwardfor BOOLEAN,
  httpchk_method VARCHAR, httpchk_uri VARCHAR, httpchk_headers VARCHAR, httpchk_expect VARCHAR
);
CREATE TABLE IF NOT EXISTS config_timeouts (proxy VARCHAR, name VARCHAR, ms DOUBLE, text VARCHAR, file VARCHAR, line INTEGER, set_in VARCHAR);
CREATE TABLE IF NOT EXISTS config_servers (backend VARCHAR, name VARCHAR, address VARCHAR, "check" BOOLEAN, backup BOOLEAN, cookie VARCHAR, maxconn INTEGER, file VARCHAR, line INTEGER);
CREATE TABLE IF NOT EXISTS config_routes (frontend VARCHAR, backend VARCHAR, condition VARCHAR, is_default BOOLEAN, file VARCHAR, line INTEGER);
`;
