/**
 * Every diagnosis gives the same answers on a database too large for DuckDB's memory limit — where sorts, hash tables
 * and the analysis' scoped table spill to the temporary directory — as with room to spare. The database: 400,000
 * generated sessions (bench/generate-log.ts, seeded), the every-cause log (a failure of every cause and what most
 * diagnoses look for) with its haproxy.cfg, and the golden case of malformed upgrades (which it lacks). The tight
 * run is wsdiag's analysis limit on a 480 MiB machine (96 MiB) on one DuckDB thread; the reference gets 1 GiB,
 * with spilling turned off, on DuckDB's threads. A first test proves the tight run cannot finish without spilling.
 *
 * 400,000: each time a diagnosis needs less memory, the analysis of the database fits in 96 MiB sooner (200,000
 * once disconnect-clusters stopped carrying the configured timeouts' text through every tunnel, 2026-12-05; 300,000
 * once reconnect-storms counted by keys and the scope kept the mass-disconnect bursts, 2026-12-06). The reference
 * was given wsdiag's cap (160 MiB), which 350,000 no longer fitted unspilled: it now gets room to spare outright.
 *
 * One thread for the tight run: with two, DuckDB's memory at a given moment depends on how the threads were
 * scheduled, so whether a limit suffices can vary from run to run; with one it does not. Not the floor of
 * memory-budget.ts (64 MiB): there DuckDB fails to allocate a block instead of spilling, over this database, in the
 * session list and the analysis' scoped table (issue 17).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLog } from '../../bench/generate-log.js';
import { configLogFormats } from '../../src/commands/open-inputs.js';
import { readConfig, type HaproxyConfig } from '../../src/config/read-config.js';
import { analyze } from '../../src/diagnose/analyze.js';
import { prepareDiagnoses, runQueryResult, streamQuery, type Scope } from '../../src/diagnose/run-query.js';
import { sessionList } from '../../src/diagnose/session-list.js';
import { ingestInputs } from '../../src/pipeline/batch-policy.js';
import { storeConfig } from '../../src/store/config-tables.js';
import { openDatabase, type Database, type DatabaseOptions } from '../../src/store/database.js';
import { writeEveryCauseLog } from '../engine/every-cause-log.js';

const SESSIONS = 400_000;
/** The session list's slices in the tight run: about eight. */
const SLICE_ROWS = 40_000;
/** A machine on which wsdiag gives an analysis 96 MiB (a fifth of it). */
const SMALL_MACHINE: DatabaseOptions = { machine: { totalBytes: 480 * 1024 * 1024, cgroupBytes: null }, threads: 1 };
const SCOPE: Scope = { since: null, until: null, backend: null };
/** The reference's DuckDB memory: room to spare, above wsdiag's cap (memory-budget.ts), so that it never spills. */
const REFERENCE_MEMORY = '1GiB';
/**
 * The queries report and sessions run besides analyze's (test/engine/parity.test.ts runs the same), and those of the
 * screens (screen-source.ts), which run at the floor on every machine (memory-budget.ts, SCREENS_RESERVE_BYTES).
 */
const OTHERS: Record<string, Record<string, number | boolean>> = {
  'upgrading-backends': {}, 'failure-counts': {}, 'failures-over-time': { bucket_seconds: 7 }, 'configured-timeouts': {},
  'failure-timeline': { buckets: 40 }, 'tunnel-servers': {}, 'open-tunnels': {}, 'recent-rejects': { limit: 500 },
  'session-rates': { recent: false, rate_ms: 10_000 },
};

/**
 * What the diagnoses answer over `db`: the analysis, the other queries' rows, and the session list's digest (it is
 * as long as the input). The reference reads the session list in one sort (`sliceRows` null), the tight run slice by
 * slice, as `wsdiag sessions` does, in slices small enough that there are several.
 */
async function answers(db: Database, config: HaproxyConfig, sliceRows: number | null) {
  const analysis = JSON.parse(JSON.stringify(await analyze(db, SCOPE, config))) as unknown;
  await prepareDiagnoses(db);
  const others: Record<string, unknown> = {};
  for (const [name, extra] of Object.entries(OTHERS)) others[name] = (await runQueryResult(db, name, SCOPE, extra)).rows;
  const hash = createHash('sha256');
  let sessions = 0;
  const list = sliceRows === null ? streamQuery(db, 'session-list', SCOPE) : sessionList(db, SCOPE, sliceRows);
  for await (const rows of list) {
    for (const row of rows) hash.update(JSON.stringify(row) + '\n');
    sessions += rows.length;
  }
  return { analysis, others, sessionList: { sessions, sha256: hash.digest('hex') } };
}

describe('every diagnosis on a database made to need spilling', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wsdiag-spill-'));
  const path = join(dir, 'archive.duckdb');
  let config: HaproxyConfig;
  let reference: Awaited<ReturnType<typeof answers>>;

  /** `work` on the database opened with `options`, its spilling capped at `maxSpill` (DuckDB's max_temp_directory_size). */
  async function over<T>(options: DatabaseOptions, maxSpill: string | null, work: (db: Database) => Promise<T>): Promise<T> {
    const db = await openDatabase(path, options);
    try {
      if (maxSpill !== null) await db.run(`SET max_temp_directory_size = '${maxSpill}'`);
      return await work(db);
    } finally {
      db.close();
    }
  }

  beforeAll(async () => {
    const bulk = join(dir, 'bulk.log');
    const everyCause = join(dir, 'every-cause.log');
    const cfg = join(dir, 'haproxy.cfg');
    const malformed = new URL('../queries/upgrade-anomalies/no-connection-upgrade/input.log', import.meta.url).pathname;
    await generateLog(bulk, { lines: SESSIONS, seed: 17 });
    writeEveryCauseLog(everyCause, cfg);
    config = readConfig(readFileSync(cfg, 'utf8'), 'haproxy.cfg');
    await over({}, null, async (db) => {
      await storeConfig(db, config);
      await ingestInputs(db, [bulk, everyCause, malformed], { timeZone: 'UTC', logFormats: configLogFormats(config) });
    });
    reference = await over({}, '0KB', async (db) => {
      await db.allowAnalysisMemory();
      await db.setMemoryLimit(REFERENCE_MEMORY);
      return answers(db, config, null);
    });
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('cannot analyse it within the small machine\'s limit without spilling', async () => {
    const unspilled = over(SMALL_MACHINE, '0KB', (db) => analyze(db, SCOPE, config));
    // If this passes one day (a DuckDB that needs less), raise SESSIONS until it fails again: the other test must spill.
    await expect(unspilled, 'the analysis fitted in 96 MiB: the database no longer needs spilling').rejects.toThrow(/max_temp_directory_size/);
  });

  it('gives the same answers when it spills as with room to spare', async () => {
    const { limit, got } = await over(SMALL_MACHINE, null, async (db) => {
      const got = await answers(db, config, SLICE_ROWS);
      return { limit: db.memoryLimit, got };
    });
    expect(limit).toBe('96MiB');
    // Every diagnosis found something to compare (lint reads the configuration, not the database).
    expect(reference.sessionList.sessions).toBeGreaterThan(SESSIONS);
    const { details, ...sections } = reference.analysis as Record<string, unknown>;
    const lists = Object.entries({ ...sections, ...(details as Record<string, unknown>), ...reference.others }).filter(([name, rows]) => Array.isArray(rows) && name !== 'lint');
    expect(lists.filter(([, rows]) => (rows as unknown[]).length === 0).map(([name]) => name)).toEqual([]);
    expect(lists.length).toBeGreaterThan(15);
    expect(got.sessionList).toEqual(reference.sessionList);
    expect(got.others).toEqual(reference.others);
    expect(got.analysis).toEqual(reference.analysis);
  });
});
