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
