/**
 * The ClickHouse side of the Parquet schema (`wsdiag clickhouse-schema`): tables with the types ClickHouse reads
 * the export's files with, the views and function the diagnoses read (queries/clickhouse/ files of kind setup),
 * and the statements that load an export. Three shapes:
 *   - one server: MergeTree tables named as the store's;
 *   - a cluster (`--cluster`): per shard a local MergeTree (`<table>_local`) partitioned by day and ordered for the
 *     diagnoses (backend, then time), a Distributed table over it sharded by node (a node's sessions, their
 *     evidence lines and events on one shard); the small tables (configuration, runs, sources) replicated to every
 *     node;
 *   - no server at all (`--files DIR`): views over an export's files, for clickhouse-local or chdb.
 */
import { CONFIG_TABLES, NO_VALUE, PARQUET_TABLES, type ParquetTable } from '../store/parquet-layout.js';

/** The export's columns as ClickHouse reads them from the Parquet files (DuckDB types: TIMESTAMP → DateTime64(6)…). */
const COLUMNS: Readonly<Record<ParquetTable, string>> = {
  sessions: `source_id Nullable(Int32), source Nullable(String), line_no Nullable(Int32), ts Nullable(DateTime64(6, 'UTC')),
    format Nullable(String), host Nullable(String), pid Nullable(Int32), client_ip Nullable(String), client_port Nullable(Int32),
    frontend Nullable(String), ssl Nullable(Bool), backend Nullable(String), server Nullable(String), t_request_ms Nullable(Int32),
    t_queue_ms Nullable(Int32), t_connect_ms Nullable(Int32), t_response_ms Nullable(Int32), t_active_ms Nullable(Int32),
    t_total_ms Nullable(Int32), duration_ms Nullable(Int32), status Nullable(Int32), bytes_read Nullable(Int64),
    termination Nullable(String), term_cause Nullable(String), term_state Nullable(String), term_cookie_client Nullable(String),
    term_cookie_server Nullable(String), actconn Nullable(Int32), feconn Nullable(Int32), beconn Nullable(Int32),
    srv_conn Nullable(Int32), retries Nullable(Int32), redispatched Nullable(Bool), srv_queue Nullable(Int32),
    backend_queue Nullable(Int32), method Nullable(String), uri Nullable(String), http_version Nullable(String),
    upgrade_header Nullable(String), connection_header Nullable(String), request_cookie Nullable(String),
    response_cookie Nullable(String), request_headers Nullable(String), response_headers Nullable(String),
    upgraded Nullable(Bool), upgrade_requested Nullable(Bool), logasap Nullable(Bool), truncated Nullable(Bool),
    invalid_utf8 Nullable(Bool), extra Nullable(String)`,
  events: `source_id Nullable(Int32), line_no Nullable(Int32), ts Nullable(DateTime64(6, 'UTC')), host Nullable(String),
    pid Nullable(Int32), kind Nullable(String), proxy Nullable(String), server Nullable(String), reason Nullable(String),
    check_code Nullable(Int32), check_info Nullable(String), check_duration_ms Nullable(Int32), active_servers Nullable(Int32),
    backup_servers Nullable(Int32), sessions_active Nullable(Int32), requeued Nullable(Int32), client_ip Nullable(String),
    client_port Nullable(Int32), message Nullable(String)`,
  rejects: `source_id Nullable(Int32), line_no Nullable(Int32), ts Nullable(DateTime64(6, 'UTC')), reason Nullable(String),
    detail Nullable(String), raw Nullable(String), raw_bytes Nullable(String)`,
  raw_lines: 'source_id Nullable(Int32), line_no Nullable(Int32), raw Nullable(String), raw_bytes Nullable(String)',
  ingests: `ingest_id Nullable(Int32), started_at Nullable(DateTime64(6, 'UTC')), inputs Nullable(String), lines_read Nullable(Int64),
    lines_skipped Nullable(Int64), lines_rolled_back Nullable(Int64), sessions Nullable(Int64), events Nullable(Int64),
    rejects Nullable(Int64), blank Nullable(Int64), bytes Nullable(Int64), seconds Nullable(Float64), status Nullable(String)`,
  input_events: `ingest_id Nullable(Int32), source_id Nullable(Int32), ts Nullable(DateTime64(6, 'UTC')), path Nullable(String),
    kind Nullable(String), offset Nullable(Int64), lost_bytes Nullable(Int64), message Nullable(String)`,
  sources: `source_id Nullable(Int32), path Nullable(String), compressed Nullable(Bool), fingerprint Nullable(String),
    fingerprint_bytes Nullable(Int32), lines Nullable(Int64), bytes Nullable(Int64), status Nullable(String), message Nullable(String),
    first_ingest_id Nullable(Int32), last_ingest_id Nullable(Int32), offset Nullable(Int64), tail_hash Nullable(String),
    tail_bytes Nullable(Int32), inside_line Nullable(Bool)`,
  config_proxies: `name Nullable(String), kind Nullable(String), mode Nullable(String), file Nullable(String), line Nullable(Int32),
    inherits Nullable(String), log_format_kind Nullable(String), log_format Nullable(String), balance Nullable(String),
    hash_type Nullable(String), cookie_name Nullable(String), cookie_mode Nullable(String), cookie_flags Nullable(String),
    stick Nullable(String), redispatch Nullable(Bool), http_server_close Nullable(Bool), httpclose Nullable(Bool),
    forwardfor Nullable(Bool), httpchk_method Nullable(String), httpchk_uri Nullable(String), httpchk_headers Nullable(String),
    httpchk_expect Nullable(String)`,
  config_timeouts: 'proxy Nullable(String), name Nullable(String), ms Nullable(Float64), text Nullable(String), file Nullable(String), line Nullable(Int32), set_in Nullable(String)',
  config_servers: `backend Nullable(String), name Nullable(String), address Nullable(String), check Nullable(Bool), backup Nullable(Bool),
    cookie Nullable(String), maxconn Nullable(Int32), file Nullable(String), line Nullable(Int32)`,
  config_routes: 'frontend Nullable(String), backend Nullable(String), condition Nullable(String), is_default Nullable(Bool), file Nullable(String), line Nullable(Int32)',
};

/** Never NULL in the export: the node that wrote a row and its partition. */
const EXPORT_COLUMNS_DDL = 'node String, log_day String, log_host String';

/** How each large table is ordered on disk: what the diagnoses group and scan by. */
const ORDER: Partial<Record<ParquetTable, string>> = {
  sessions: `(log_day, ifNull(backend, ''), ifNull(ts, toDateTime64(0, 6, 'UTC')), node)`,
  events: `(log_day, ifNull(proxy, ''), ifNull(ts, toDateTime64(0, 6, 'UTC')), node)`,
  rejects: `(log_day, node, ifNull(source_id, 0), ifNull(line_no, 0))`,
  raw_lines: `(log_day, node, ifNull(source_id, 0), ifNull(line_no, 0))`,
};

const LARGE: readonly ParquetTable[] = ['sessions', 'events', 'rejects', 'raw_lines'];

/** An identifier, quoted for ClickHouse when it is not a plain name. */
export function quoteName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
}

/** A string literal for ClickHouse (a path or a URL printed into a statement the user runs). */
export function quoteString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A setup file of queries/clickhouse/ (a view such as session_causes, or the function duration_bucket). */
export interface SetupQuery {
  readonly name: string;
  readonly sql: string;
}

function setupStatements(setup: readonly SetupQuery[], database: string, onCluster: string): string[] {
  const body = (q: SetupQuery): string => q.sql.replace(/^(--.*\n)+/, '').trim().replace(/;\s*$/, '');
  const ordered = [...setup].sort((a, b) => rankOf(a) - rankOf(b) || a.name.localeCompare(b.name));
  return ordered.map((q) => {
    const name = q.name.replace(/-/g, '_');
    if (/^\(/.test(body(q))) return `CREATE OR REPLACE FUNCTION ${name}${onCluster} AS ${body(q)}`;
    return `CREATE OR REPLACE VIEW ${quoteName(database)}.${name}${onCluster} AS\n${body(q)}`;
  });
}

/** Views that others read come first: proxy_timeouts before session_causes before what reads it. */
const rankOf = (q: SetupQuery): number => ['duration-bucket', 'proxy-timeouts', 'session-causes'].indexOf(q.name) >>> 0;

export interface SchemaOptions {
  readonly database: string;
  /** The cluster of remote_servers; null for one server. */
  readonly cluster: string | null;
  /** Views over the files of this export instead of tables (clickhouse-local, chdb). */
  readonly files?: string | null;
  /** The views and function the diagnoses read. */
  readonly setup: readonly SetupQuery[];
}

/** Every statement, in order; each one statement (no trailing semicolon). */
export function clickhouseSchema(options: SchemaOptions): string[] {
  const db = quoteName(options.database);
  const on = options.cluster ? ` ON CLUSTER ${quoteName(options.cluster)}` : '';
  // The views name their tables without a database: they are those of the database in use when they are made.
  const statements = [`CREATE DATABASE IF NOT EXISTS ${db}${on}`, `USE ${db}`];
  for (const table of PARQUET_TABLES) {
    const columns = `(\n    ${COLUMNS[table]},\n    ${EXPORT_COLUMNS_DDL}\n)`;
    if (options.files) {
      statements.push(`CREATE OR REPLACE VIEW ${db}.${table} AS SELECT ${fileSelect(table)} FROM ${fileSource(options.files, table)}`);
      continue;
    }
    const large = LARGE.includes(table);
    if (!options.cluster) {
      statements.push(`CREATE TABLE IF NOT EXISTS ${db}.${table} ${columns}\nENGINE = MergeTree${large ? ' PARTITION BY log_day' : ''}\nORDER BY ${ORDER[table] ?? 'tuple()'}`);
    } else if (large) {
      statements.push(`CREATE TABLE IF NOT EXISTS ${db}.${table}_local${on} ${columns}\nENGINE = MergeTree PARTITION BY log_day\nORDER BY ${ORDER[table]}`);
      statements.push(`CREATE TABLE IF NOT EXISTS ${db}.${table}${on} AS ${db}.${table}_local\nENGINE = Distributed(${quoteName(options.cluster)}, ${db}, ${table}_local, cityHash64(node))`);
    } else {
      // Small tables on every node, kept alike by replication (ON CLUSTER already needs ClickHouse Keeper).
      statements.push(`CREATE TABLE IF NOT EXISTS ${db}.${table}${on} ${columns}\nENGINE = ReplicatedMergeTree('/clickhouse/wsdiag/{database}/${table}', '{replica}')\nORDER BY tuple()`);
    }
  }
  return [...statements, ...setupStatements(options.setup, options.database, on)];
}

/** The configuration is loaded once whatever the number of nodes holding the same one: its rows without the node. */
function fileSelect(table: ParquetTable): string {
  return (CONFIG_TABLES as readonly string[]).includes(table) ? `DISTINCT * EXCEPT (node, log_day, log_host), '' AS node, '${NO_VALUE}' AS log_day, '${NO_VALUE}' AS log_host` : '*';
}

/** A table's files: every partition, the stub included (an empty glob fails). Hive partitioning off: the files carry the columns. */
function fileSource(location: string, table: ParquetTable): string {
  const path = `${location.replace(/\/$/, '')}/${table}/**/*.parquet`;
  const structure = quoteString(`${COLUMNS[table].replace(/\s+/g, ' ')}, ${EXPORT_COLUMNS_DDL}`);
  if (/^s3:\/\/|^https?:\/\//.test(location)) return `s3(${quoteString(path)}, 'Parquet', ${structure})`;
  return `file(${quoteString(path)}, 'Parquet', ${structure})`;
}

/**
 * The statements that load an export into the tables: `file()` for a directory the server can read (its
 * user_files), `s3()`/`s3Cluster()` for object storage. Loading an export again adds its rows again: load each
 * export's new files once (by day), or start from empty tables.
 */
export function loadStatements(options: SchemaOptions & { readonly from: string }): string[] {
  const db = quoteName(options.database);
  const s3 = /^s3:\/\/|^https?:\/\//.test(options.from);
  return PARQUET_TABLES.map((table) => {
    let source = fileSource(options.from, table);
    if (s3 && options.cluster) source = source.replace(/^s3\(/, `s3Cluster(${quoteString(options.cluster)}, `);
    const select = (CONFIG_TABLES as readonly string[]).includes(table) ? fileSelect(table) : '*';
    return `INSERT INTO ${db}.${table} SELECT ${select} FROM ${source} SETTINGS use_hive_partitioning = 0`;
  });
}
