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
 * chdb is an optional dependency (~540 MB): required in CI (CI=true), skipped with a note elsewhere.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLICKHOUSE_QUERIES_DIR, loadQueries, queriesFor } from '../../src/diagnose/load-queries.js';
import { prepareDiagnoses, runQueryResult, type Scope } from '../../src/diagnose/run-query.js';
import { openClickHouse } from '../../src/engine/clickhouse-engine.js';
import { clickhouseSchema, loadStatements } from '../../src/engine/clickhouse-schema.js';
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
const OTHERS = ['upgrading-backends', 'failure-counts', 'failures-over-time', 'configured-timeouts', 'session-list'];
const EXTRA: Record<string, Record<string, SqlValue>> = { 'failures-over-time': { bucket_seconds: 7 } };

interface Input {
  readonly name: string;
  readonly log: string;
  readonly config: string | null;
  /**
   * Also ClickHouse over the files themselves, and a window of one backend (bound parameters): for the generated
   * log and two samples. Each ClickHouse query costs a few hundred ms here, most of it planning; the four engines
   * and two scopes on every input would take this test past ten minutes.
   */
  readonly everything?: boolean;
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
  });

  it('every query of analyze, report and sessions has a ClickHouse twin, and every twin an original', () => {
    const twins = queriesFor('clickhouse');
    expect([...ANALYSIS, ...OTHERS].filter((name) => !twins.has(name))).toEqual([]);
    for (const q of loadQueries(CLICKHOUSE_QUERIES_DIR).values()) expect(loadQueries().has(q.name), q.file).toBe(true);
  });

  let n = 0;
  const every = (): Input[] => {
    const generated = join(tmpdir(), `wsdiag-every-cause-${process.pid}.log`);
    const config = join(tmpdir(), `wsdiag-every-cause-${process.pid}.cfg`);
    writeEveryCauseLog(generated, config);
    return [{ name: 'generated: a failure of every cause', log: generated, config, everything: true }, ...inputs()];
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

    const engines: [string, QueryEngine][] = [
      ['duckdb store', await openDatabase(dbPath, { readOnly: true })],
      ['duckdb parquet', await openParquetDatabase(parquet)],
      ['clickhouse mergetree', await openClickHouse(http.url('default', `mt_${id}`))],
      ...(input.everything ? [['clickhouse files', await openClickHouse(http.url('default', `files_${id}`))] as [string, QueryEngine]] : []),
    ];
    try {
      for (const [, db] of engines) await prepareDiagnoses(db);
      const all = await rowsOf(engines[0]![1], 'summary', { since: null, until: null, backend: null });
      const from = all.rows[0]?.['from'];
      const until = all.rows[0]?.['to'];
      // The whole log, and a window (from the first session to just before the last) of the busiest backend.
      const backend = (await rowsOf(engines[0]![1], 'failure-counts', { since: null, until: null, backend: null })).rows.find((r) => r['backend'] !== null)?.['backend'];
      const scopes: Scope[] = [{ since: null, until: null, backend: null }];
      if (input.everything && typeof from === 'string' && typeof until === 'string' && from !== until) {
        scopes.push({ since: from.replace('T', ' ').replace('Z', ''), until: until.replace('T', ' ').replace('Z', ''), backend: typeof backend === 'string' ? backend : null });
      }
      for (const scope of scopes) {
        for (const name of [...ANALYSIS, ...OTHERS]) {
          const reference = await rowsOf(engines[0]![1], name, scope);
          for (const [engine, db] of engines.slice(1)) {
            const got = await rowsOf(db, name, scope).catch((error: Error) => ({ columns: [], rows: [], error: error.message.split('\n')[0] }));
            expect({ engine, query: name, scope, ...got }, `${name} on ${engine}`).toEqual({ engine, query: name, scope, ...reference });
          }
        }
      }
    } finally {
      for (const [, db] of engines) db.close();
    }
  }, 300_000);
});

