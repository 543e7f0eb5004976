/**
 * Every diagnosis gives the same rows on each engine it runs on:
 *   1. DuckDB over the store (--db), the reference;
 *   2. DuckDB over the Parquet export of that store (--parquet), the queries unchanged;
 *   3. ClickHouse over the same Parquet files (views over file(), `clickhouse-schema --files`);
 *   4. ClickHouse with the export loaded into MergeTree tables (`clickhouse-schema`, then its `--load` statements).
 * ClickHouse is chdb (ClickHouse in this process) behind a server that speaks ClickHouse's HTTP interface on
 * 127.0.0.1, so 3 and 4 go through the engine's real path: @clickhouse/client, settings, bound parameters.
 *
 * The inputs: every sample, every golden case's log (real HAProxy from the lab, chosen to make each diagnosis
 * find something), and a generated log with a failure of every cause. A change to a query of queries/ that its
 * twin in queries/clickhouse/ does not follow fails here. Normalised: numbers compared to 1e-9 (relative), times
 * at milliseconds (as the store gives them); booleans, NULLs and row order as they are.
 *
 * Each engine runs the diagnoses as wsdiag runs them there: on DuckDB, analyze's over one materialized scope
 * (withScopedCauses) and the others over the views; on ClickHouse, every query with the session_causes view
 * inlined, which ClickHouse plans again at each use (~30-50 ms a reference, whatever the data: most of a query's
 * time here). That path runs on the generated log (`inlined`); on the others, each ClickHouse database's
 * session_causes is evaluated once per scope by the engine into a table, and the view reads it (for that scope
 * only: any other finds nothing there, and fails the comparison) — the twins' logic on every input, ClickHouse's
 * planning of the inlined view on the log with a failure of every cause.
 *
 * chdb is an optional dependency (~540 MB): required in CI (CI=true), skipped with a note elsewhere.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLICKHOUSE_QUERIES_DIR, loadQueries, queriesFor } from '../../src/diagnose/load-queries.js';
import { withScopedCauses } from '../../src/diagnose/materialized-scope.js';
import { prepareDiagnoses, runQueryResult, type Scope } from '../../src/diagnose/run-query.js';
import { sessionList } from '../../src/diagnose/session-list.js';
import { openClickHouse } from '../../src/engine/clickhouse-engine.js';
import { clickhouseSchema, loadStatements, quoteString } from '../../src/engine/clickhouse-schema.js';
import type { QueryEngine } from '../../src/engine/query-engine.js';
import { openDatabase, type Row, type SqlValue } from '../../src/store/database.js';
import { openParquetDatabase } from '../../src/store/parquet-database.js';
import { loadChdb, serveClickHouseHttp, type ChdbSession, type ClickHouseHttp } from '../helpers/clickhouse-http.js';
import { distinctInputs, type NamedInput } from '../helpers/distinct-inputs.js';
import { ROOT, wsdiagInProcess } from '../helpers/run-cli.js';
import { writeEveryCauseLog } from './every-cause-log.js';

const chdb = await loadChdb();
if (!chdb) {
  if (process.env['CI']) throw new Error('chdb is required in CI (npm ci installs it: an optional dependency of wsdiag)');
  console.warn('test/engine/parity.test.ts skipped: chdb (optional dependency) is not installed');
}

/** The queries analyze, report and sessions run: every one needs its twin. */
const ANALYSIS = [...loadQueries().values()].filter((q) => q.section !== null).map((q) => q.name);
const OTHERS = ['upgrading-backends', 'failure-counts', 'failures-over-time', 'configured-timeouts', 'session-list', 'session-list-slices'];
const EXTRA: Record<string, Record<string, SqlValue>> = { 'failures-over-time': { bucket_seconds: 7 }, 'session-list-slices': { slice_rows: 5 } };
/** The session list as `wsdiag sessions` reads it: slice by slice (here of 5 sessions; session-list.ts). */
const SLICED = 'session-list, slices of 5';

interface Input {
  readonly name: string;
  readonly log: string;
  readonly config: string | null;
  /**
   * Also ClickHouse over the files themselves and a window of one backend (bound parameters): for the generated
   * log and two samples.
   */
  readonly everything?: boolean;
  /**
   * session_causes inlined in every ClickHouse query, as wsdiag runs them: for the generated log. Each query costs
   * a few hundred ms that way, most of it planning; on every input it would take this test past ten minutes.
   */
  readonly inlined?: boolean;
}

/** The inputs that also run on ClickHouse over the files and with a window. */
const EVERYTHING = new Set(['samples/ws-httplog.log', 'samples/ws-tcplog.log']);

/** Each distinct log of the samples and of the golden cases, once. */
function inputs(): Input[] {
  const found: NamedInput[] = [];
  const samples = join(ROOT, 'samples');
  // The envelope-* samples are ws-httplog's sessions in other syslog envelopes: a parsing matter, tested in parse/.
  for (const f of readdirSync(samples).filter((f) => f.endsWith('.log') && !f.startsWith('envelope-')).sort()) {
    const cfg = join(samples, f.replace(/\.log$/, '.cfg'));
    found.push({ label: `samples/${f}`, log: join(samples, f), config: existsSync(cfg) ? cfg : null });
  }
  const golden = join(ROOT, 'test/queries');
  for (const q of readdirSync(golden).sort()) {
    if (!statSync(join(golden, q)).isDirectory()) continue;
    for (const c of readdirSync(join(golden, q)).sort()) {
      const dir = join(golden, q, c);
      if (!existsSync(join(dir, 'input.log'))) continue;
      found.push({ label: `test/queries/${q}/${c}`, log: join(dir, 'input.log'), config: existsSync(join(dir, 'haproxy.cfg')) ? join(dir, 'haproxy.cfg') : null });
    }
  }
  return distinctInputs(found).map(({ labels: [name], log, config }) => ({ name: name!, log, config, everything: EVERYTHING.has(name!) }));
}

/** Numbers to 1e-9 relative, times at milliseconds; the rest as it is. */
function normalise(value: SqlValue): SqlValue {
  if (typeof value === 'number') return value === 0 ? 0 : Number(value.toPrecision(10));
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value)) return new Date(value).toISOString();
  if (Array.isArray(value)) return value.map(normalise);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v)]));
  return value;
}

/**
 * `scope`'s session_causes, evaluated once by the engine (its settings) into a table that the view then reads;
 * the view keeps its parameters and gives no row for any other scope. The view as setup defines it is kept aside
 * (session_causes_inlined) to evaluate the next scope.
 */
async function causesOnce(db: QueryEngine, database: string, scope: Scope, n: number): Promise<void> {
  const time = "DateTime64(6, 'UTC')";
  const literal = (value: string | null, type: string): string => (value === null ? 'NULL' : type === 'String' ? quoteString(value) : `toDateTime64(${quoteString(value)}, 6, 'UTC')`);
  const params: [string, string | null, string][] = [['since_ts', scope.since, time], ['until_ts', scope.until, time], ['backend_name', scope.backend, 'String']];
  if (n === 1) await db.run(`RENAME TABLE ${database}.session_causes TO ${database}.session_causes_inlined`);
  else await db.run(`DROP VIEW ${database}.session_causes`);
  const args = params.map(([name, value, type]) => `${name} = ${literal(value, type)}`).join(', ');
  await db.run(`CREATE TABLE ${database}.session_causes_${n} ENGINE = Memory AS SELECT * FROM ${database}.session_causes_inlined(${args})`);
  const only = params.map(([name, value, type]) => (value === null ? `{${name}:Nullable(${type})} IS NULL` : `{${name}:Nullable(${type})} = ${literal(value, type)}`));
  await db.run(`CREATE VIEW ${database}.session_causes AS SELECT * FROM ${database}.session_causes_${n} WHERE ${only.join(' AND ')}`);
}

/** What wsdiag runs on `db` for `scope`: analyze's queries inside its materialized scope on DuckDB, then the others. */
async function diagnosesOf(db: QueryEngine, scope: Scope): Promise<Map<string, { columns: string[]; rows: Row[] } | { error: string }>> {
  const out = new Map<string, { columns: string[]; rows: Row[] } | { error: string }>();
  const each = async (names: readonly string[]): Promise<void> => {
    for (const name of names) out.set(name, await rowsOf(db, name, scope).catch((error: Error) => ({ error: error.message.split('\n')[0]! })));
  };
  await withScopedCauses(db, scope, () => each(ANALYSIS));
  await each(OTHERS);
  out.set(SLICED, await slicedList(db, scope).catch((error: Error) => ({ error: error.message.split('\n')[0]! })));
  return out;
}

const slicedList = async (db: QueryEngine, scope: Scope): Promise<{ columns: string[]; rows: Row[] }> => {
  const rows: Row[] = [];
  for await (const batch of sessionList(db, scope, 5)) for (const row of batch) rows.push(normalise(row) as Row);
  return { columns: rows[0] ? Object.keys(rows[0]) : [], rows };
};

const rowsOf = async (db: QueryEngine, name: string, scope: Scope): Promise<{ columns: string[]; rows: Row[] }> => {
  const result = await runQueryResult(db, name, scope, EXTRA[name] ?? {});
  return { columns: [...result.columns], rows: result.rows.map((r) => normalise(r) as Row) };
};

describe.skipIf(!chdb)('the diagnoses on every engine', () => {
  let work: string;
  let session: ChdbSession;
  let http: ClickHouseHttp;
  const setup = [...loadQueries(CLICKHOUSE_QUERIES_DIR).values()].filter((q) => q.kind === 'setup');

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'wsdiag-parity-'));
    session = new chdb!.Session(join(work, 'chdb'));
    // Tiny tables: ClickHouse's thread pool costs more than it gives here (on a busy 2-core machine).
    session.query('SET max_threads = 1');
    http = await serveClickHouseHttp(session);
  });

  afterAll(async () => {
    await http?.close();
    session?.close();
    rmSync(work, { recursive: true, force: true });
    // Written while the tests were collected, before `work` existed.
    for (const ext of ['log', 'cfg']) rmSync(join(tmpdir(), `wsdiag-every-cause-${process.pid}.${ext}`), { force: true });
  });

  it('every query of analyze, report and sessions has a ClickHouse twin, and every twin an original', () => {
    const twins = queriesFor('clickhouse');
    expect([...ANALYSIS, ...OTHERS].filter((name) => !twins.has(name))).toEqual([]);
    for (const q of loadQueries(CLICKHOUSE_QUERIES_DIR).values()) expect(loadQueries().has(q.name), q.file).toBe(true);
  });

  let n = 0;
  /** The inputs a window ran on (ws-tcplog's sessions all start in the same millisecond: no window there). */
  const windowed: string[] = [];
  const every = (): Input[] => {
    const generated = join(tmpdir(), `wsdiag-every-cause-${process.pid}.log`);
    const config = join(tmpdir(), `wsdiag-every-cause-${process.pid}.cfg`);
    writeEveryCauseLog(generated, config);
    return [{ name: 'generated: a failure of every cause', log: generated, config, everything: true, inlined: true }, ...inputs()];
  };

  it.each(every().map((i) => [i.name, i] as const))('%s', async (_, input) => {
    const id = `c${++n}`;
    const dbPath = join(work, `${id}.duckdb`);
    const parquet = join(work, `${id}-parquet`);
    const ingest = await wsdiagInProcess('ingest', input.log, ...(input.config ? ['--config', input.config] : []), '--tz', 'UTC', '--db', dbPath, '--parquet', parquet, '--node', 'lb-test');
    expect(ingest.code, ingest.stderr).toBeLessThan(3);
    if (input.everything) for (const statement of clickhouseSchema({ database: `files_${id}`, cluster: null, files: parquet, setup })) session.query(statement);
    for (const statement of clickhouseSchema({ database: `mt_${id}`, cluster: null, setup })) session.query(statement);
    for (const statement of loadStatements({ database: `mt_${id}`, cluster: null, setup, from: parquet })) session.query(statement);

    // Each engine, and its database on ClickHouse.
    const engines: [string, QueryEngine, string?][] = [
      ['duckdb store', await openDatabase(dbPath, { readOnly: true })],
      ['duckdb parquet', await openParquetDatabase(parquet)],
      ['clickhouse mergetree', await openClickHouse(http.url('default', `mt_${id}`)), `mt_${id}`],
      ...(input.everything ? [['clickhouse files', await openClickHouse(http.url('default', `files_${id}`)), `files_${id}`] as [string, QueryEngine, string]] : []),
    ];
    try {
      for (const [, db] of engines) await prepareDiagnoses(db);
      // The whole log, and a window of the busiest backend from its first session (kept: since is inclusive) to its
      // last (left out: until is not).
      const busiest = await engines[0]![1].query('SELECT backend FROM sessions WHERE backend IS NOT NULL GROUP BY backend HAVING min(ts) < max(ts) ORDER BY count(*) DESC, backend LIMIT 1');
      const backend = busiest.rows[0]?.['backend'];
      const ends = typeof backend === 'string' ? (await rowsOf(engines[0]![1], 'summary', { since: null, until: null, backend })).rows[0] : undefined;
      const from = ends?.['from'];
      const until = ends?.['to'];
      const scopes: Scope[] = [{ since: null, until: null, backend: null }];
      if (input.everything && typeof from === 'string' && typeof until === 'string' && from !== until) {
        scopes.push({ since: from.replace('T', ' ').replace('Z', ''), until: until.replace('T', ' ').replace('Z', ''), backend: backend as string });
        windowed.push(input.name);
      }
      for (const [i, scope] of scopes.entries()) {
        if (!input.inlined) for (const [, db, database] of engines) if (database) await causesOnce(db, database, scope, i + 1);
        const reference = await diagnosesOf(engines[0]![1], scope);
        expect([...reference].filter(([, r]) => 'error' in r)).toEqual([]);
        // Read slice by slice, the list is the list read in one sort (each engine's is compared with DuckDB's below).
        expect((reference.get(SLICED) as { rows: Row[] }).rows).toEqual((reference.get('session-list') as { rows: Row[] }).rows);
        for (const [engine, db] of engines.slice(1)) {
          const got = await diagnosesOf(db, scope);
          for (const name of [...ANALYSIS, ...OTHERS, SLICED]) {
            expect({ engine, query: name, scope, ...got.get(name) }, `${name} on ${engine}`).toEqual({ engine, query: name, scope, ...reference.get(name) });
          }
        }
      }
    } finally {
      for (const [, db] of engines) db.close();
    }
  }, 300_000);

  it('ran a window of one backend, on ClickHouse inlined and evaluated once', () => {
    expect(windowed).toEqual(['generated: a failure of every cause', 'samples/ws-httplog.log']);
  });
});

