/**
 * Where `analyze --db` spends its time, query by query: the analysis's own sequence (the scope materialized once,
 * then every diagnosis over it, then upgrading-backends), each diagnosis run under DuckDB's profiler
 * (`EXPLAIN ANALYZE`'s numbers: latency, CPU time, rows scanned) with its three most expensive operators.
 *
 *   node --import tsx bench/query-profile.ts [--db bench/data/analyze-2000000.duckdb]
 *
 * The database is one `npm run bench:analyze -- --keep` leaves behind. Prints a markdown table, also written
 * beside the database as query-profile.md.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadQueries } from '../src/diagnose/load-queries.js';
import { withScopedCauses } from '../src/diagnose/materialized-scope.js';
import { prepareDiagnoses, runQueryResult, type Scope } from '../src/diagnose/run-query.js';
import { openDatabase } from '../src/store/database.js';

const { values } = parseArgs({ options: { db: { type: 'string', default: 'bench/data/analyze-2000000.duckdb' } } });
const path = values.db!;

interface Operator {
  readonly operator_name?: string;
  readonly operator_type?: string;
  readonly operator_timing?: number;
  readonly operator_cardinality?: number;
  readonly operator_rows_scanned?: number;
  readonly extra_info?: Record<string, unknown>;
  readonly children?: Operator[];
}

interface Profile extends Operator {
  readonly latency?: number;
  readonly cpu_time?: number;
  readonly cumulative_rows_scanned?: number;
}

function operators(node: Operator, out: Operator[] = []): Operator[] {
  if (node.operator_type || node.operator_name) out.push(node);
  for (const child of node.children ?? []) operators(child, out);
  return out;
}

const scratch = mkdtempSync(join(tmpdir(), 'wsdiag-query-profile-'));
const profileFile = join(scratch, 'profile.json');
const db = await openDatabase(path, { readOnly: true });
const rows: string[] = [];
const fmt = (s: number): string => s.toFixed(3);
try {
  await db.allowAnalysisMemory();
  await prepareDiagnoses(db);
  const scope: Scope = { since: null, until: null, backend: null };
  const sessions = Number((await db.query('SELECT count(*) AS n FROM session_rows')).rows[0]!['n']);
  const t0 = performance.now();
  let materialized = 0;
  let total = 0;
  await withScopedCauses(db, scope, async () => {
    materialized = (performance.now() - t0) / 1000;
    const names = [...[...loadQueries().values()].filter((q) => q.section !== null).map((q) => q.name), 'upgrading-backends'];
    for (const name of names) {
      await db.run("PRAGMA enable_profiling = 'json'");
      await db.run(`SET profiling_output = '${profileFile}'`);
      const start = performance.now();
      const result = await runQueryResult(db, name, scope);
      const wall = (performance.now() - start) / 1000;
      await db.run('PRAGMA disable_profiling');
      total += wall;
      const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as Profile;
      const top = operators(profile)
        .sort((a, b) => (b.operator_timing ?? 0) - (a.operator_timing ?? 0))
        .slice(0, 3)
        .map((o) => `${o.operator_name ?? o.operator_type} ${fmt(o.operator_timing ?? 0)} s (${(o.operator_cardinality ?? 0).toLocaleString('en-US')} rows)`);
      rows.push(`| ${name} | ${fmt(wall)} | ${fmt(profile.latency ?? 0)} | ${fmt(profile.cpu_time ?? 0)} | ${(profile.cumulative_rows_scanned ?? 0).toLocaleString('en-US')} | ${result.rows.length} | ${top.join('; ')} |`);
    }
  });
  const out = [
    `### Where analyze's time goes: ${sessions.toLocaleString('en-US')} sessions`,
    '',
    `\`node --import tsx bench/query-profile.ts --db ${path}\`: the scope materialized once in **${fmt(materialized)} s**, then each diagnosis over it (${fmt(total)} s in all), under DuckDB's profiler.`,
    '',
    '| Query | Wall (s) | DuckDB latency (s) | DuckDB CPU (s) | Rows scanned | Rows out | Most expensive operators |',
    '|---|--:|--:|--:|--:|--:|---|',
    ...rows,
    '',
  ].join('\n');
  process.stdout.write(out);
  writeFileSync(join(dirname(path), 'query-profile.md'), out);
} finally {
  db.close();
  rmSync(scratch, { recursive: true, force: true });
}
