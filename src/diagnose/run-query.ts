/** Runs a query file with its declared parameters bound (never pasted into the SQL). */
import type { Database, Row, SqlValue } from '../store/database.js';
import { loadQueries, type QueryFile } from './load-queries.js';

export interface Scope {
  readonly since: string | null;
  readonly until: string | null;
  readonly backend: string | null;
}

export const QUERY_DEFAULTS: Readonly<Record<string, SqlValue>> = {
  repeat_threshold: 3,
  per_minute: 20,
  min_count: 10,
};

export async function runQuery(db: Database, name: string, scope: Scope, extra: Record<string, SqlValue> = {}): Promise<Row[]> {
  const query: QueryFile | undefined = loadQueries().get(name);
  if (!query) throw new Error(`no query named ${name} in queries/`);
  const values: Record<string, SqlValue> = { ...QUERY_DEFAULTS, ...scope, ...extra };
  const params: Record<string, SqlValue> = {};
  for (const p of query.params) params[p] = values[p] ?? null;
  return [...(await db.query(query.sql, params)).rows];
}

/** A diagnosis whose result may be as large as the input (the session list), in batches. */
export async function* streamQuery(db: Database, name: string, scope: Scope): AsyncGenerator<Row[]> {
  const query: QueryFile | undefined = loadQueries().get(name);
  if (!query) throw new Error(`no query named ${name} in queries/`);
  const values: Record<string, SqlValue> = { ...QUERY_DEFAULTS, ...scope };
  const params: Record<string, SqlValue> = {};
  for (const p of query.params) params[p] = values[p] ?? null;
  for await (const batch of db.stream(query.sql, params)) yield [...batch.rows];
}

/** Defines the macros every diagnosis reads from (session_causes). */
export async function prepareDiagnoses(db: Database): Promise<void> {
  await db.allowAnalysisMemory();
  for (const q of loadQueries().values()) if (q.kind === 'setup') await db.run(q.sql);
}

/**
 * Columns of session_causes that no diagnosis reads: left out of the materialized scope, which then takes about
 * half the memory. A diagnosis that starts reading one fails loudly (DuckDB: column not found) until it is taken
 * off this list.
 */
const UNREAD_COLUMNS = [
  'source', 'format', 'host', 'pid', 'client_port', 'ssl', 't_request_ms', 't_connect_ms', 't_response_ms', 't_active_ms', 't_total_ms',
  'bytes_read', 'term_cookie_server', 'actconn', 'feconn', 'beconn', 'srv_conn', 'retries', 'redispatched', 'request_cookie',
  'response_cookie', 'request_headers', 'response_headers', 'logasap', 'truncated', 'invalid_utf8', 'extra',
];

/**
 * Runs `fn` (several diagnoses over one scope) with session_causes evaluated once: every diagnosis reads that
 * macro, and evaluating it (the sessions view's joins, the cause of every session) is most of each one's cost.
 * The scope's rows are materialized in a temporary table and the macro reads it for the length of `fn`; the
 * macro is then defined again and the table dropped. Every diagnosis run inside must use `scope`.
 */
export async function withScopedCauses<T>(db: Database, scope: Scope, fn: () => Promise<T>): Promise<T> {
  await prepareDiagnoses(db);
  await db.run(`CREATE OR REPLACE TEMP TABLE scoped_causes AS SELECT * EXCLUDE (${UNREAD_COLUMNS.join(', ')}) FROM session_causes($since, $until, $backend)`, { ...scope });
  try {
    await db.run('CREATE OR REPLACE TEMP MACRO session_causes(since_ts, until_ts, backend_name) AS TABLE FROM scoped_causes');
    return await fn();
  } finally {
    await prepareDiagnoses(db);
    await db.run('DROP TABLE IF EXISTS scoped_causes');
  }
}
