/**
 * The store's floor: how fast DuckDB takes rows into a database file on this machine when nothing is read or
 * parsed, so the ingest's lines/s can be read against what its store alone allows.
 *
 *   npm run build && npm run bench:store -- [--rows N] [--runs R]
 *
 *   --rows N   rows appended per case (default 2,000,000)
 *   --runs R   run each case R times and report the fastest (default 3)
 *
 * Every case appends into a new DuckDB file the way `wsdiag ingest` does (src/store/database.ts's settings, one
 * DuckDB thread, BULK_MEMORY, a COMMIT every 245,760 rows) and is timed from the first append to the last COMMIT:
 *
 *   INTEGER × 20 / × 35  one data chunk of 2048 rows of plain INTEGER columns (a third random, a third small, a
 *                        third constant), copied in with one native call per column and appended again and
 *                        again: no strings, no names, nothing to encode. 35 is session_rows' number columns.
 *   session_rows         wsdiag's own store path (IngestStore.addEncoded: 35 INTEGER, 2 DOUBLE and 4 VARCHAR
 *                        columns, names, evidence lines) fed the same 50 batches of a generated httplog file,
 *                        encoded once beforehand, again and again.
 *   … without evidence   the same, without the raw lines kept for sessions that are not clean successes.
 *
 * CPU is the process's (all threads: DuckDB's COMMITs run on libuv's pool). Prints a markdown table.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import ddb from '@duckdb/node-bindings';
import { DuckDBDataChunk, INTEGER } from '@duckdb/node-api';
import { newInputResult, probeFile, readFile } from '../src/input/read-source.js';
import { LineDecoder, type DecodeReply } from '../src/pipeline/line-decoder.js';
import { DEFAULT_MAX_LINE_BYTES } from '../src/pipeline/run-pipeline.js';
import { openDatabase, type Database } from '../src/store/database.js';
import { BULK_MEMORY, IngestStore } from '../src/store/ingest-store.js';
import { SESSION_BATCH_ROWS, TEXT_COLUMNS } from '../src/store/session-columns.js';
import { ensureLog, prng } from './generate-log.js';
import { removeDb } from './run-command.js';

const DATA = join(fileURLToPath(new URL('..', import.meta.url)), 'bench', 'data');
/** As wsdiag ingest commits: every two of DuckDB's row groups (COMMIT_ROWS=… to try another cadence). */
const COMMIT_ROWS = Number(process.env['COMMIT_ROWS'] ?? 2 * 122_880);
const SAMPLE_BATCHES = 50;

interface Timing {
  readonly wall: number;
  readonly cpu: number;
  readonly rows: number;
}

async function timed(work: () => Promise<number>): Promise<Timing> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const rows = await work();
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpu: (cpu.user + cpu.system) / 1e6, rows };
}

async function withDatabase<T>(use: (db: Database) => Promise<T>): Promise<T> {
  const path = join(tmpdir(), `wsdiag-store-floor-${process.pid}.duckdb`);
  removeDb(path);
  const db = await openDatabase(path, { memoryLimit: BULK_MEMORY });
  try {
    await db.run('SET threads = 1');
    return await use(db);
  } finally {
    db.close();
    removeDb(path);
  }
}

function integerCase(columns: number, total: number): Promise<Timing> {
  return withDatabase(async (db) => {
    await db.run(`CREATE TABLE floor (${Array.from({ length: columns }, (_, k) => `c${k} INTEGER`).join(', ')})`);
    const appender = await db.connection.createAppender('floor');
    const chunk = DuckDBDataChunk.create(Array.from({ length: columns }, () => INTEGER), SESSION_BATCH_ROWS);
    // Seeded, so every run appends the same values.
    const random = prng(columns);
    const values = Array.from({ length: columns }, (_, k) =>
      Int32Array.from({ length: SESSION_BATCH_ROWS }, () => (k % 3 === 0 ? Math.floor(random() * 1e6) : k % 3 === 1 ? Math.floor(random() * 100) : 7)),
    );
    return timed(async () => {
      await db.run('BEGIN TRANSACTION');
      let rows = 0;
      while (rows < total) {
        chunk.reset();
        chunk.rowCount = SESSION_BATCH_ROWS;
        for (let k = 0; k < columns; k++) {
          ddb.copy_data_to_vector(ddb.data_chunk_get_vector(chunk.chunk, k), 0, values[k]!.buffer, 0, SESSION_BATCH_ROWS * 4);
        }
        appender.appendDataChunk(chunk);
        rows += SESSION_BATCH_ROWS;
        if (rows % COMMIT_ROWS === 0) {
          appender.flushSync();
          await db.run('COMMIT');
          await db.run('BEGIN TRANSACTION');
        }
      }
      appender.flushSync();
      await db.run('COMMIT');
      appender.closeSync();
      return rows;
    });
  });
}

/** The rows of the first SAMPLE_BATCHES chunks of `file`, encoded for `store` as the parse worker encodes them. */
async function encodedSample(file: string, store: IngestStore): Promise<DecodeReply[]> {
  const decoder = new LineDecoder({ parser: {}, maxLineBytes: DEFAULT_MAX_LINE_BYTES, names: store.nameEntries(), alignRows: 0, sessionRows: 0 });
  decoder.decode({ op: 'open', source: 1, start: { firstLineNo: 1, offset: 0, insideLine: false, tail: new Uint8Array(0), referenceDateMs: null, skipLines: 0 } });
  const result = newInputResult();
  const probe = await probeFile(file, result);
  if (!probe) throw new Error(result.message ?? result.status);
  const sample: DecodeReply[] = [];
  for await (const chunk of readFile(probe, { offset: 0 }, result, 64 * 1024)) {
    sample.push(...decoder.decode({ op: 'bytes', source: 1, bytes: chunk }));
    if (sample.length === SAMPLE_BATCHES) break;
  }
  return sample;
}

const RAW = TEXT_COLUMNS.indexOf('raw');
/** `batch` as if no line were kept as evidence (a session's is its raw column). */
function withoutEvidence(batch: DecodeReply): DecodeReply {
  const sessions = batch.sessions.map((s) => ({
    ...s, texts: s.texts.map((t, k) => (k === RAW ? { joined: '', lengths: new Int32Array(s.rows).fill(-1) } : t)),
  }));
  return { ...batch, sessions, evidence: [] };
}

function sessionCase(file: string, total: number, evidence: boolean): Promise<Timing> {
  return withDatabase(async (db) => {
    const store = await IngestStore.open(db, { parsingElsewhere: true, bulk: true });
    const sample = await encodedSample(file, store);
    const source = await store.newSource({ path: file, compressed: false, head: null });
    const position = (rows: number) => ({ sourceId: source, lines: rows, bytes: 0, offset: 0, tail: new Uint8Array(0), insideLine: false, head: null, status: 'ok', message: null });
    const timing = await timed(async () => {
      let rows = 0;
      let sinceCommit = 0;
      for (let k = 0; rows < total; k++) {
        const batch = sample[k % sample.length]!;
        store.addEncoded(evidence ? batch : withoutEvidence(batch), source);
        rows += batch.lines;
        sinceCommit += batch.lines;
        if (sinceCommit >= COMMIT_ROWS) {
          await store.commit([position(rows)]);
          await store.begin();
          sinceCommit = 0;
        }
      }
      await store.commit([position(rows)]);
      return rows;
    });
    store.abandon();
    await store.release();
    return timing;
  });
}

async function best(runs: number, run: () => Promise<Timing>): Promise<Timing> {
  let fastest: Timing | null = null;
  for (let r = 0; r < runs; r++) {
    const t = await run();
    if (!fastest || t.wall < fastest.wall) fastest = t;
  }
  return fastest!;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '2000000' }, runs: { type: 'string', default: '3' } } });
  const total = Number(values.rows);
  const runs = Number(values.runs);
  if (!(total > 0) || !(runs > 0)) throw new Error('usage: store-floor.ts [--rows N] [--runs R]');
  const { path: file } = await ensureLog(DATA, 100_000);

  const cases: [string, () => Promise<Timing>][] = [
    ['INTEGER × 20', () => integerCase(20, total)],
    ['INTEGER × 35', () => integerCase(35, total)],
    ['session_rows (wsdiag, evidence included)', () => sessionCase(file, total, true)],
    ['session_rows (wsdiag, without evidence)', () => sessionCase(file, total, false)],
  ];
  console.log(`Store floor: ${total.toLocaleString('en-US')} rows per case into a DuckDB file (one DuckDB thread, ${BULK_MEMORY}), best of ${runs}\n`);
  console.log('| case | wall (s) | rows/s | CPU (s) | CPU µs/row |');
  console.log('|---|--:|--:|--:|--:|');
  for (const [name, run] of cases) {
    const t = await best(runs, run);
    const rate = Math.round(t.rows / t.wall).toLocaleString('en-US');
    console.log(`| ${name} | ${t.wall.toFixed(2)} | ${rate} | ${t.cpu.toFixed(2)} | ${((t.cpu / t.rows) * 1e6).toFixed(2)} |`);
  }
}

await main();
