/** Runs a query file with its declared parameters bound (never pasted into the SQL). */
import type { QueryEngine } from '../engine/query-engine.js';
import type { QueryResult, Row, SqlValue } from '../store/database.js';
import { loadQueries, queriesFor, type QueryFile } from './load-queries.js';

export interface Scope {
  readonly since: string | null;
  readonly until: string | null;
  readonly backend: string | null;
}

/** A time as a scope (and any time parameter) carries it: UTC, `2026-11-22 04:41:38.629`, read alike by DuckDB and ClickHouse. */
export const scopeTime = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

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
export async function* streamQuery(db: QueryEngine, name: string, scope: Scope, extra: Record<string, SqlValue> = {}): AsyncGenerator<Row[]> {
  const query: QueryFile | undefined = queriesFor(db.dialect).get(name);
  if (!query) throw new Error(`no query named ${name} in queries/${db.dialect === 'clickhouse' ? 'clickhouse/' : ''}`);
  const values: Record<string, SqlValue> = { ...QUERY_DEFAULTS, ...scope, ...extra };
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
