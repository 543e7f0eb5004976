/**
 * The pipeline for inputs read to their end (`ingest`, `analyze`, `report`, `sessions`, `query`, `tui`): the inputs
 * in the order given (a rotated set such as `haproxy.log.2.gz haproxy.log.1 haproxy.log`), each resumed where an
 * earlier run stopped when it is one the store knows (checked by its resume point), committed as it goes, and a
 * broken compressed input rolled back whole.
 */
import { tailMatches, type KnownSource } from '../input/fingerprint.js';
import { guessTextBytes, newInputResult, probeFile, readFile, readFileAt, readStream, type InputResult, type InputStatus } from '../input/read-source.js';
import type { Database } from '../store/database.js';
import { IngestStore, ROW_GROUP_ROWS, type IngestTotals } from '../store/ingest-store.js';
import { storeFailure } from '../store/store-failure.js';
import { startPipeline, type OpenInput, type Pipeline, type PipelineOptions, type StartDecision } from './run-pipeline.js';

/**
 * Lines between commits of a plain (uncompressed) input: two of DuckDB's row groups. A commit is made where the
 * session table ends on a row-group boundary (the parse worker cuts its replies there: DecodeReply.boundary) once
 * this many lines or half of COMMIT_CHARS came since the last one; without a boundary, at twice this many lines
 * or at COMMIT_CHARS. A commit that ends inside a row group makes DuckDB append the next transaction's rows one by
 * one into that group and drop the groups it had already written for them: committing every 51,200 rows held 35
 * INTEGER columns to ~650 k rows/s here, on row-group boundaries the same appends reach ~1.7 M; a 2 M-line ingest
 * left 100 MB of free blocks in its file. A crash loses what was not committed (the next run reads it again from
 * the last resume point).
 */
const COMMIT_LINES = 2 * ROW_GROUP_ROWS;
/** The most text between commits (5000 lines of 60 KB in one transaction peaked at 1.19 GB). */
const COMMIT_CHARS = 64 * 1024 * 1024;

/**
 * Below this much text in all, lines are parsed on the main thread between appends: starting the parse worker
 * costs ~70–100 ms (loading its modules), more than parsing beside the store saves below ~6–8 MB (measured with
 * dist/ on 2 cores: 100 KB 170 → 100 ms, 2 MB 390 → 280 ms, 8 MB 560 vs 590 ms). Same decoder either way.
 */
const WORKER_FROM_BYTES = 4 * 1024 * 1024;

/** Where this run parses: as asked, else on the main thread when every input is a file and all are small. */
export async function parseOnFor(paths: readonly string[], asked: PipelineOptions['parseOn']): Promise<'worker' | 'main'> {
  if (asked) return asked;
  let bytes = 0;
  for (const path of paths) {
    bytes += await guessTextBytes(path);
    if (bytes >= WORKER_FROM_BYTES) return 'worker';
  }
  return 'main';
}

export interface InputReport {
  readonly path: string;
  readonly status: InputStatus;
  readonly message: string | null;
  readonly compressed: boolean;
  /** Lines of the input this run accounts for: those it read, and those stored by an earlier run (skipped). */
  readonly lines: number;
  readonly skipped: number;
  readonly sessions: number;
  readonly events: number;
  readonly rejects: number;
  readonly blank: number;
  /** True when the whole input was rolled back (corrupt). */
  readonly rolledBack: boolean;
  /** Stored sources the input looked like (same first KiB) but did not continue: it was read as new. */
  readonly notResumed: readonly string[];
}

export interface IngestReport {
  readonly ingestId: number;
  readonly totals: IngestTotals;
  readonly inputs: readonly InputReport[];
  readonly seconds: number;
}

export interface IngestOptions extends PipelineOptions {
  /** What '-' reads. */
  readonly stdin?: NodeJS.ReadableStream;
  /** Lines between commits of a plain input (default COMMIT_LINES; on session-table boundaries of up to this many rows). */
  readonly commitLines?: number;
  /** The most characters between commits (default COMMIT_CHARS). */
  readonly commitChars?: number;
  /** For tests: the size of the chunks read from files. */
  readonly chunkBytes?: number;
  /** Called after each block of lines is stored, with the lines read so far. */
  readonly onProgress?: (linesRead: number) => void;
}

export async function ingestInputs(db: Database, paths: readonly string[], options: IngestOptions = {}): Promise<IngestReport> {
  const started = new Date();
  const t0 = performance.now();
  const parseOn = await parseOnFor(paths, options.parseOn);
  options = { ...options, parseOn };
  const store = await IngestStore.open(db, { parsingElsewhere: parseOn !== 'main', bulk: true });
  let pipeline: Pipeline | null = null;
  try {
    const totals: IngestTotals = {
      inputs: [...paths], linesRead: 0, linesSkipped: 0, linesRolledBack: 0, sessions: 0, events: 0, rejects: 0, blank: 0, bytes: 0, status: 'ok',
    };
    const commitLines = options.commitLines ?? COMMIT_LINES;
    const commitChars = options.commitChars ?? COMMIT_CHARS;
    /** A commit is due: on a boundary once enough came, anywhere once twice as many lines or the most text did. */
    const due = (input: OpenInput, boundary: boolean): boolean =>
      (boundary && (input.linesSinceCommit >= commitLines || input.charsSinceCommit >= commitChars / 2)) ||
      input.linesSinceCommit >= 2 * commitLines || input.charsSinceCommit >= commitChars;
    // Plain inputs commit as they go (bounded memory, resumable); a compressed one stays one transaction, because
    // its damage is only known at its end and then it is rolled back whole.
    let linesRead = 0;
    const running: Pipeline = await startPipeline(store, { ...options, alignRows: Math.min(ROW_GROUP_ROWS, commitLines) }, {
      onStored: async (input, reply) => {
        if (!input.compressed && due(input, reply.boundary)) await running.commit([input]);
        linesRead += reply.lines;
        options.onProgress?.(linesRead);
      },
    });
    pipeline = running;
    const reports: (InputReport & { bytes: number })[] = [];
    for (const path of paths) {
      const report = await ingestOne(running, path, options).catch(async (error: unknown) => {
        // Recorded when the store still can: the input's own error is the one reported.
        const message = (error as Error).message?.split('\n')[0] ?? String(error);
        await running.exclusive(async () => {
          await store.rollback();
          await store.failedSource(path, false, 'error', message);
        }).catch(() => undefined);
        throw error;
      });
      reports.push(report);
      totals.linesRead += report.lines;
      totals.linesSkipped += report.skipped;
      totals.bytes += report.bytes;
      if (report.rolledBack) totals.linesRolledBack += report.lines;
      else {
        totals.sessions += report.sessions;
        totals.events += report.events;
        totals.rejects += report.rejects;
        totals.blank += report.blank;
      }
      if (report.status !== 'ok') totals.status = 'partial';
    }
    pipeline = null;
    await running.close();
    const seconds = (performance.now() - t0) / 1000;
    await store.finish(totals, started, seconds);
    await store.release();
    return { ingestId: store.ingestId, totals, inputs: reports.map(({ bytes: _, ...r }) => r), seconds };
  } catch (error) {
    // The first failure is the one to report: cleaning up after it (a database DuckDB stopped using) may fail too.
    await pipeline?.close().catch(() => undefined);
    store.abandon();
    await store.release().catch(() => undefined);
    throw storeFailure(error, store.path) ?? error;
  }
}

/** One input, read to its end and committed (or rolled back). */
async function ingestOne(pipeline: Pipeline, path: string, options: IngestOptions): Promise<InputReport & { bytes: number }> {
  const result = newInputResult();
  if (path === '-') {
    if (!options.stdin) {
      result.status = 'unreadable';
      result.message = '-: no standard input to read';
      return failed(pipeline, path, false, result);
    }
    let input: OpenInput | null = null;
    for await (const bytes of readStream(options.stdin, result)) {
      // Opened at its first bytes, which say whether it is gzip (then one transaction, like a .gz file).
      input ??= await pipeline.open(path, result.compressed, () => null, pipeline.freshStart(null, []));
      await pipeline.bytes(input, bytes);
    }
    input ??= await pipeline.open(path, result.compressed, () => null, pipeline.freshStart(null, []));
    return finishInput(pipeline, input, result, []);
  }
  const probe = await probeFile(path, result);
  if (!probe) return failed(pipeline, path, false, result);
  let decision: StartDecision = await pipeline.decideStart({
    head: probe.head, size: probe.size, mtimeMs: probe.mtimeMs, readAt: probe.compressed ? null : (at, length) => readFileAt(path, at, length),
  });
  const notResumed: KnownSource[] = [...decision.mismatched];
  for (;;) {
    let input: OpenInput | null = null;
    let mismatch = false;
    const resumed = decision.resumed;
    // A gzip is checked as it is decompressed: its resume point must hold the bytes stored before it.
    const check = probe.compressed && resumed && resumed.offset !== null
      ? (tail: Uint8Array): boolean => {
        mismatch = !tailMatches(resumed, tail);
        // The resume point's bytes are known only now: kept as the input's tail, so that a gzip read again with
        // nothing new commits them unchanged (not an empty tail, which the next run would not match).
        if (!mismatch) decision = { ...decision, start: { ...decision.start, tail: Uint8Array.from(tail) } };
        return !mismatch;
      }
      : undefined;
    const from = { offset: decision.start.offset, ...(check ? { check } : {}) };
    for await (const bytes of readFile(probe, from, result, options.chunkBytes)) {
      input ??= await pipeline.open(path, probe.compressed, () => probe.head, decision);
      await pipeline.bytes(input, bytes);
    }
    if (mismatch && resumed) {
      // Not the input it looked like: read it again from its start, as a new one.
      notResumed.push(resumed);
      decision = pipeline.freshStart(probe.mtimeMs, notResumed);
      continue;
    }
    input ??= await pipeline.open(path, probe.compressed, () => probe.head, decision);
    return finishInput(pipeline, input, result, notResumed);
  }
}

/** Ends an input: its last line, then a commit (or the rollback of a broken compressed input). */
async function finishInput(pipeline: Pipeline, input: OpenInput, result: InputResult, notResumed: readonly KnownSource[]): Promise<InputReport & { bytes: number }> {
  const compressed = input.compressed;
  // The unfinished tail of an input that broke off is not a line HAProxy wrote: a fragment, never parsed.
  await pipeline.end(input, result.status === 'ok' ? 'eof' : 'damaged');
  await input.settled();
  input.status = result.status;
  input.message = result.message;
  // Corrupt compressed data: what decompressed may be garbage, so the input's one transaction is rolled back.
  const rolledBack = result.status === 'corrupt';
  if (rolledBack) {
    await pipeline.exclusive(() => pipeline.store.rollback());
    await pipeline.exclusive(() => pipeline.store.failedSource(input.path, compressed, result.status, result.message));
    await pipeline.reloadKnown();
  } else {
    input.dirty = true;
    await pipeline.commit([input]);
  }
  const lines = input.lines + (input.resumed && input.resumed.offset !== null ? input.linesBefore : 0);
  return {
    path: input.path, status: result.status, message: result.message, compressed, lines,
    skipped: input.skipped + (input.resumed && input.resumed.offset !== null ? input.linesBefore : 0),
    sessions: input.sessions, events: input.events, rejects: input.rejects, blank: input.blank, rolledBack,
    notResumed: notResumed.map((k) => k.path), bytes: result.bytes,
  };
}

/** An input that could not be read at all: its source row says why. */
async function failed(pipeline: Pipeline, path: string, compressed: boolean, result: InputResult): Promise<InputReport & { bytes: number }> {
  await pipeline.exclusive(() => pipeline.store.failedSource(path, compressed, result.status, result.message));
  return {
    path, status: result.status, message: result.message, compressed, lines: 0, skipped: 0, sessions: 0, events: 0, rejects: 0, blank: 0,
    rolledBack: false, notResumed: [], bytes: 0,
  };
}
