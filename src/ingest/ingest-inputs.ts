/**
 * input → parse → store, for a list of inputs in the order given (a rotated set such as
 * `haproxy.log.2.gz haproxy.log.1 haproxy.log`). Every line read ends as a session, an event, a reject
 * or a blank line, or is skipped because an earlier run already stored it: the totals always add up.
 */
import { stat } from 'node:fs/promises';
import { FINGERPRINT_BYTES, hashPrefix, readHead } from '../input/fingerprint.js';
import { DEFAULT_MAX_LINE_BYTES, isGzipMagic, type InputResult } from '../input/read-lines.js';
import { parserOptionsOf, RejectReason, type LineParserOptions } from '../parse/parse-line.js';
import type { Database } from '../store/database.js';
import { IngestStore, LONG_TEXT_CHARS, type IngestTotals, type KnownSource } from '../store/ingest-store.js';
import { parseInWorker } from './parse-in-worker.js';
import { newInputResult, runParseJob, type ParseJob } from './parse-job.js';
import { addCounts } from './store-line.js';

/**
 * Lines between commits of a plain (uncompressed) input. Uncommitted rows wait in DuckDB's memory: with a
 * 100 MB limit, 2 M lines peaked at 572 MB committing every 250,000 lines and at 432–506 MB every 50,000, at
 * the same speed (within the noise).
 */
const CHECKPOINT_LINES = 50_000;
/**
 * …or sooner, once the lines since the last commit hold this much text: uncommitted rows wait in memory, and
 * 5000 lines of 60 KB in one transaction peaked at 1.19 GB (840–920 MB with a commit every 16 Mi characters).
 */
const CHECKPOINT_CHARS = 16 * 1024 * 1024;

export interface InputReport {
  readonly path: string;
  readonly status: InputResult['status'];
  readonly message: string | null;
  readonly compressed: boolean;
  readonly lines: number;
  readonly skipped: number;
  readonly sessions: number;
  readonly events: number;
  readonly rejects: number;
  readonly blank: number;
  /** True when the whole input was rolled back (corrupt). */
  readonly rolledBack: boolean;
}

export interface IngestReport {
  readonly ingestId: number;
  readonly totals: IngestTotals;
  readonly inputs: readonly InputReport[];
  readonly seconds: number;
}

export interface IngestOptions extends LineParserOptions {
  readonly maxLineBytes?: number;
  /** Called after each batch, for progress and live refreshes. */
  readonly onProgress?: (totals: IngestTotals) => void;
  /** Lines between commits of a plain input (default 50,000). */
  readonly checkpointLines?: number;
  /** …or sooner, once the lines since the last commit hold this many characters (default 16 Mi). */
  readonly checkpointChars?: number;
  /** What '-' reads. */
  readonly stdin?: NodeJS.ReadableStream;
  /**
   * Where files are read and parsed: on a worker thread (the default; the main thread only stores) or on the
   * main thread. Standard input is always read on the main thread.
   */
  readonly parseOn?: 'worker' | 'main';
}

async function matchKnown(path: string, compressed: boolean, known: readonly KnownSource[]): Promise<{ head: Buffer | null; match: KnownSource | null }> {
  if (path === '-') return { head: null, match: null };
  const head = await readHead(path, compressed);
  if (!head || head.length === 0) return { head, match: null };
  for (const k of known) {
    if (k.fingerprintBytes <= head.length && hashPrefix(head, k.fingerprintBytes) === k.fingerprint) return { head, match: k };
  }
  return { head, match: null };
}

async function isCompressedFile(path: string): Promise<boolean> {
  const { open } = await import('node:fs/promises');
  const handle = await open(path, 'r').catch(() => null);
  if (!handle) return false;
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await handle.read(b, 0, 2, 0);
    return isGzipMagic(b.subarray(0, bytesRead));
  } catch {
    // A directory or an unreadable file: readLines reports it in one line.
    return false;
  } finally {
    await handle.close();
  }
}

export async function ingestInputs(db: Database, paths: readonly string[], options: IngestOptions = {}): Promise<IngestReport> {
  const started = new Date();
  const t0 = performance.now();
  const store = await IngestStore.open(db, { parsingElsewhere: options.parseOn !== 'main', bulk: true });
  try {
    return await ingestWith(store, paths, options, started, t0);
  } finally {
    await store.release();
  }
}

async function ingestWith(store: IngestStore, paths: readonly string[], options: IngestOptions, started: Date, t0: number): Promise<IngestReport> {
  const totals: IngestTotals = {
    inputs: [...paths], linesRead: 0, linesSkipped: 0, linesRolledBack: 0, sessions: 0, events: 0, rejects: 0, blank: 0, bytes: 0, status: 'ok',
  };
  const reports: InputReport[] = [];
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const parserOptions = parserOptionsOf(options);

  for (const path of paths) {
    const mtime = path === '-' ? undefined : await stat(path).then((s) => s.mtime, () => undefined);
    const result = newInputResult();
    const compressed = path !== '-' && (await isCompressedFile(path));
    const { head, match } = await matchKnown(path, compressed, await store.knownSources());
    const skip = match?.lines ?? 0;
    const counts = { lines: 0, skipped: 0, sessions: 0, events: 0, rejects: 0, blank: 0 };

    await store.begin();
    let sourceId = -1;
    let committedLines = 0;
    let charsSinceCommit = 0;
    const job: ParseJob = {
      path,
      parser: { ...parserOptions, referenceDate: options.referenceDate ?? mtime },
      maxLineBytes,
      skip,
      names: store.nameEntries(),
    };
    try {
      const batches = path === '-' || options.parseOn === 'main' ? runParseJob(job, result, options.stdin) : parseInWorker(job, result);
      for await (const batch of batches) {
        if (sourceId < 0) {
          const fpBytes = head ? Math.min(head.length, FINGERPRINT_BYTES) : 0;
          sourceId = await store.openSource(path, batch.compressed, head && fpBytes ? hashPrefix(head, fpBytes) : null, fpBytes, match);
        }
        if (batch.widest > LONG_TEXT_CHARS) await store.allowLongText();
        store.addEncoded(batch, sourceId);
        counts.lines += batch.lines;
        counts.skipped += batch.skipped;
        addCounts(counts, batch.counts);
        options.onProgress?.({ ...totals, linesRead: totals.linesRead + counts.lines });
        // Plain inputs commit as they go (bounded memory, resumable); a compressed one stays one transaction,
        // because its damage is only known at its end and then it is rolled back whole.
        charsSinceCommit += batch.chars;
        if (!batch.compressed && (counts.lines - committedLines >= (options.checkpointLines ?? CHECKPOINT_LINES) || charsSinceCommit >= (options.checkpointChars ?? CHECKPOINT_CHARS))) {
          await store.checkpoint(sourceId, Math.max(skip, counts.lines), 0);
          committedLines = counts.lines;
          charsSinceCommit = 0;
        }
      }
      if (result.status === 'corrupt' || (result.status === 'unreadable' && sourceId >= 0)) {
        await store.rollbackSource(path, result.compressed, result.status, result.message);
        reports.push({ path, status: result.status, message: result.message, compressed: result.compressed, ...counts, rolledBack: true });
        totals.status = 'partial';
        // Read but not stored: the damaged input's sources row says why.
        totals.linesRead += counts.lines;
        totals.linesRolledBack += counts.lines;
        continue;
      }
      if (sourceId < 0) {
        // Missing, unreadable or empty input: nothing to store, but an empty file is a known (empty) source.
        if (result.status === 'ok') sourceId = await store.openSource(path, result.compressed, null, 0, match);
      }
      if (result.status === 'truncated' && result.fragment !== null && sourceId >= 0) {
        // The partial line after the damage is not a line HAProxy wrote: kept as a reject, never parsed.
        counts.lines++;
        counts.rejects++;
        store.addReject(sourceId, counts.lines, Number.NaN, RejectReason.damaged, 'partial line at the end of a truncated compressed input', result.fragment, null);
      }
      if (sourceId >= 0) await store.commitSource(sourceId, Math.max(skip, counts.lines - (result.status === 'truncated' && result.fragment !== null ? 1 : 0)), result.bytes, result.status, result.message);
      else await store.rollbackSource(path, false, result.status, result.message);
    } catch (error) {
      // The input's own error is the one to report, even when the store then fails to record it.
      await store.rollbackSource(path, result.compressed, 'error', (error as Error).message).catch(() => undefined);
      throw error;
    }
    totals.linesRead += counts.lines;
    totals.linesSkipped += counts.skipped;
    totals.sessions += counts.sessions;
    totals.events += counts.events;
    totals.rejects += counts.rejects;
    totals.blank += counts.blank;
    totals.bytes += result.bytes;
    if (result.status !== 'ok') totals.status = 'partial';
    reports.push({ path, status: result.status, message: result.message, compressed: result.compressed, ...counts, rolledBack: false });
  }
  const seconds = (performance.now() - t0) / 1000;
  await store.finish(totals, started, seconds);
  return { ingestId: store.ingestId, totals, inputs: reports, seconds };
}
