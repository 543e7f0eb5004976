/** Runs a query file with its declared parameters bound (never pasted into the SQL). */
import type { QueryEngine } from '../engine/query-engine.js';
import type { Database, QueryResult, Row, SqlValue } from '../store/database.js';
import { terminationFlags } from '../store/schema.js';
import { loadQueries, queriesFor, type QueryFile } from './load-queries.js';

export interface Scope {
  readonly since: string | null;
  readonly until: string | null;
  readonly backend: string | null;
}

export const QUERY_DEFAULTS: Readonly<Record<string, SqlValue>> = {
  repeat_threshold: 3,
  per_minute: 20,
  min_count: 10,
  buckets: 40,
  // A reconnect wave: at least this many upgrades a second, and this many times the backend's mean rate.
  wave_min: 20,
  wave_factor: 5,
};

export async function runQuery(db: QueryEngine, name: string, scope: Scope, extra: Record<string, SqlValue> = {}): Promise<Row[]> {
  return [...(await runQueryResult(db, name, scope, extra)).rows];
}

/** The rows with the names of the columns, which a header's @fields and templates are checked against. */
export async function runQueryResult(db: QueryEngine, name: string, scope: Scope, extra: Record<string, SqlValue> = {}): Promise<QueryResult> {
  const query: QueryFile | undefined = queriesFor(db.dialect).get(name);
  if (!query) throw new Error(`no query named ${name} in queries/${db.dialect === 'clickhouse' ? 'clickhouse/' : ''}`);
  const values: Record<string, SqlValue> = { ...QUERY_DEFAULTS, ...scope, ...extra };
  const params: Record<string, SqlValue> = {};
  for (const p of query.params) params[p] = values[p] ?? null;
  return db.query(query.sql, params);
}

/**
 * A drill-down operation (`kind drill`: page, count, search) over the rows of one drill-down (`kind rows`), which it
 * reads as the CTE `drill`. Both texts come from queries/, never from input; every value is bound.
 */
export async function runDrill(db: QueryEngine, rowsName: string, opName: string, values: Record<string, SqlValue>): Promise<Row[]> {
  const queries = loadQueries();
  const rows = queries.get(rowsName);
  const op = queries.get(opName);
  if (rows?.kind !== 'rows' || op?.kind !== 'drill') throw new Error(`no drill-down ${rowsName} / ${opName} in queries/`);
  const params: Record<string, SqlValue> = {};
  for (const p of [...rows.params, ...op.params]) params[p] = values[p] ?? QUERY_DEFAULTS[p] ?? null;
  const body = (sql: string): string => sql.replace(/^(--.*\n)+/, '').replace(/;\s*$/, '');
  const opSql = body(op.sql);
  // An operation with CTEs of its own continues the WITH list after `drill`.
  const tail = /^WITH\s/i.test(opSql) ? `,\n${opSql.replace(/^WITH\s/i, '')}` : `\n${opSql}`;
  return [...(await db.query(`WITH drill AS (\n${body(rows.sql)}\n)${tail}`, params)).rows];
}

/** A diagnosis whose result may be as large as the input (the session list), in batches. */
export async function* streamQuery(db: QueryEngine, name: string, scope: Scope): AsyncGenerator<Row[]> {
  const query: QueryFile | undefined = queriesFor(db.dialect).get(name);
  if (!query) throw new Error(`no query named ${name} in queries/${db.dialect === 'clickhouse' ? 'clickhouse/' : ''}`);
  const values: Record<string, SqlValue> = { ...QUERY_DEFAULTS, ...scope };
  const params: Record<string, SqlValue> = {};
  for (const p of query.params) params[p] = values[p] ?? null;
  for await (const batch of db.stream(query.sql, params)) yield [...batch.rows];
}

/**
 * The setup queries in an order that defines each macro after those it calls (session-causes.sql's
 * session_causes before mass_disconnect_bursts, which reads it): DuckDB checks a table macro's body when it is made.
 */
export function setupOrder(queries: readonly QueryFile[]): QueryFile[] {
  const setup = queries.filter((q) => q.kind === 'setup');
  const macro = (q: QueryFile): string => q.name.replace(/-/g, '_');
  const ordered: QueryFile[] = [];
  const visit = (q: QueryFile, path: readonly string[]): void => {
    if (ordered.includes(q)) return;
    if (path.includes(q.name)) throw new Error(`queries/: setup macros call each other in a circle: ${[...path, q.name].join(' → ')}`);
    for (const other of setup) if (other !== q && new RegExp(`\\b${macro(other)}\\(`).test(q.sql)) visit(other, [...path, q.name]);
    ordered.push(q);
  };
  for (const q of setup) visit(q, []);
  return ordered;
}

/** Defines the macros every diagnosis reads from (session_causes…). */
export async function prepareDiagnoses(db: QueryEngine): Promise<void> {
  await db.allowAnalysisMemory();
  // On ClickHouse they are views and a function on the server (wsdiag clickhouse-schema).
  if (db.dialect === 'clickhouse') return;
  for (const q of setupOrder([...loadQueries().values()])) await db.run(q.sql);
}

/**
 * Columns of session_causes that no diagnosis reads: left out of the materialized scope, which then takes about
 * half the memory. A diagnosis that starts reading one fails loudly (DuckDB: column not found) until it is taken
 * off this list.
 */
const UNREAD_COLUMNS = [
  'source', 'format', 'host', 'pid', 'client_port', 'ssl', 't_request_ms', 't_connect_ms', 't_response_ms', 't_active_ms', 't_total_ms',
  'bytes_read', 'actconn', 'feconn', 'beconn', 'srv_conn', 'retries', 'request_cookie',
  'response_cookie', 'request_headers', 'response_headers', 'truncated', 'invalid_utf8', 'extra',
];

const TIMEOUT_COLUMNS = ['tunnel', 'client', 'server'].flatMap((t) => [`${t}_timeout_ms`, `${t}_timeout_text`, `${t}_timeout_where`]);
/**
 * Columns the scoped macro derives again instead of storing them for every row (a third of the table): the
 * termination flags, from the termination state, and the configured timeouts, joined as session-causes.sql joins them.
 */
const DERIVED_COLUMNS = ['term_cause', 'term_state', 'term_cookie_client', 'term_cookie_server', ...TIMEOUT_COLUMNS];
const SCOPED_MACRO = `CREATE OR REPLACE TEMP MACRO session_causes(since_ts, until_ts, backend_name) AS TABLE
SELECT c.*, ${terminationFlags('c.termination')},
  tt.ms AS tunnel_timeout_ms, tt.text AS tunnel_timeout_text, tt.where_set AS tunnel_timeout_where,
  tc.ms AS client_timeout_ms, tc.text AS client_timeout_text, tc.where_set AS client_timeout_where,
  ts.ms AS server_timeout_ms, ts.text AS server_timeout_text, ts.where_set AS server_timeout_where
FROM scoped_causes c
LEFT JOIN proxy_timeouts() tt ON tt.proxy = c.backend AND tt.name = 'tunnel'
LEFT JOIN proxy_timeouts() tc ON tc.proxy = c.frontend AND tc.name = 'client'
LEFT JOIN proxy_timeouts() ts ON ts.proxy = c.backend AND ts.name = 'server'`;

/**
 * Runs `fn` (several diagnoses over one scope) with session_causes evaluated once: every diagnosis reads that
 * macro, and evaluating it (the sessions view's joins, the cause of every session) is most of each one's cost.
 * The scope's rows are materialized in a temporary table and the macro reads it for the length of `fn`; the
 * macro is then defined again and the table dropped. Every diagnosis run inside must use `scope`.
 */
export async function withScopedCauses<T>(db: QueryEngine, scope: Scope, fn: () => Promise<T>): Promise<T> {
  // ClickHouse evaluates the session_causes view in each query: no temporary table on a server that may be a cluster.
  if (db.dialect === 'clickhouse') return fn();
  await prepareDiagnoses(db);
  const left = [...UNREAD_COLUMNS, ...DERIVED_COLUMNS].join(', ');
  await db.run(`CREATE OR REPLACE TEMP TABLE scoped_causes AS SELECT * EXCLUDE (${left}) FROM session_causes($since, $until, $backend)`, { ...scope });
  try {
    await db.run(SCOPED_MACRO);
    return await fn();
  } finally {
    await prepareDiagnoses(db);
    await db.run('DROP TABLE IF EXISTS scoped_causes');
  }
}
