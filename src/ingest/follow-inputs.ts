/**
 * Continuous ingest for `wsdiag live`: stdin, or files followed with `tail -F` semantics (rotation by rename,
 * truncation, a file that appears later), polled with fs.stat. Rows are flushed to the store on a timer (flushing
 * is what makes appended rows visible to queries), rows older than the window are pruned, and every use of the
 * connection — appends, flushes, prunes and the screens' queries — goes through one serializer, because a DuckDB
 * connection must never run two statements at once and an appender may write into the table when its chunk fills.
 *
 * readLines() is not used here: it hands lines over in batches of 2048, so a slow `tail -f` would sit in its buffer.
 */
import { isUtf8 } from 'node:buffer';
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { LineNote } from '../input/read-lines.js';
import { createLineParser, type LineParserOptions } from '../parse/parse-line.js';
import type { Database } from '../store/database.js';
import { IngestStore, type IngestTotals } from '../store/ingest-store.js';
import { createSerializer } from '../store/serializer.js';
import { nextRunDelay } from './pacing.js';
import { storeLine } from './store-line.js';

export interface FollowInput {
  /** A file, or '-' for the stream given as `stdin`. */
  readonly path: string;
  /** Keep reading after its end (tail -F); otherwise the input ends at its end. */
  readonly follow: boolean;
}

export interface FollowOptions extends LineParserOptions {
  readonly maxLineBytes?: number;
  /** Rows older than this, on the log's clock (the newest timestamp seen), are pruned. */
  readonly windowMs: number;
  readonly stdin?: NodeJS.ReadableStream;
  /** How often rows are flushed (made visible) and pruned. At most 1000. */
  readonly flushMs?: number;
  /** How often a followed file is stat()ed at its end. */
  readonly pollMs?: number;
  /** Wall clock, for tests. */
  readonly now?: () => number;
  /** Called after each flush. */
  readonly onTick?: (stats: FollowStats) => void;
}

export type FollowInputState = 'waiting' | 'reading' | 'ended' | 'missing' | 'error';

export interface FollowStats {
  readonly linesRead: number;
  readonly sessions: number;
  readonly events: number;
  readonly rejects: number;
  readonly blank: number;
  readonly bytes: number;
  /** Over the last few seconds. */
  readonly linesPerSecond: number;
  /** Newest log timestamp seen (ms since the epoch, UTC), the "now" of the sliding window. */
  readonly latestTsMs: number | null;
  /** Wall clock minus the newest log timestamp. */
  readonly lagMs: number | null;
  /** Lines read but not stored yet. */
  readonly queuedLines: number;
  readonly ended: boolean;
  readonly inputs: readonly { readonly path: string; readonly state: FollowInputState; readonly lines: number; readonly message: string | null }[];
}

export interface Follower {
  /** Resolves once every input has ended (or stop() was called) and the last rows are flushed. */
  readonly done: Promise<FollowStats>;
  stats(): FollowStats;
  /** Runs `fn` alone on the connection (the screens' queries go through here). */
  exclusive<T>(fn: () => Promise<T> | T): Promise<T>;
  stop(): void;
}

/** A followed file bigger than this is read from its last bytes, as tail does. */
const START_TAIL_BYTES = 64 * 1024 * 1024;
const READ_BYTES = 256 * 1024;
/** Lines stored per turn on the connection, so that the screens' queries get their turn. */
const LINES_PER_TURN = 4096;
/** Reading pauses while this many lines wait to be stored. */
const MAX_QUEUED_LINES = 50_000;
const RATE_SAMPLES = 10;

/** One line cut from the byte stream, as readLines notes it. */
interface PendingLine {
  readonly text: string;
  readonly issue: LineNote['issue'] | null;
  readonly bytes: Buffer | null;
}

/**
 * Bytes → lines, in bounded memory: a line over the cap keeps its first bytes and the rest is skipped up to the
 * newline. One trailing \r is stripped. Invalid UTF-8 is decoded lossily and its exact bytes kept.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private length = 0;
  private overflow = false;

  constructor(private readonly cap: number) {}

  push(chunk: Buffer, out: PendingLine[]): void {
    let at = 0;
    while (at < chunk.length) {
      const nl = chunk.indexOf(10, at);
      const end = nl < 0 ? chunk.length : nl;
      const take = Math.min(Math.max(this.cap - this.length, 0), end - at);
      if (take > 0) {
        this.parts.push(chunk.subarray(at, at + take));
        this.length += take;
      }
      if (end - at > take) this.overflow = true;
      if (nl < 0) break;
      this.emit(out);
      at = nl + 1;
    }
  }

  /** The unfinished last line, at the end of an input. */
  end(out: PendingLine[]): void {
    if (this.length > 0 || this.overflow) this.emit(out);
  }

  /** Forget an unfinished line (the file was truncated under it). */
  reset(): void {
    this.parts = [];
    this.length = 0;
    this.overflow = false;
  }

  private emit(out: PendingLine[]): void {
    let b = Buffer.concat(this.parts, this.length);
    if (!this.overflow && b.length > 0 && b[b.length - 1] === 13) b = b.subarray(0, b.length - 1);
    const valid = isUtf8(b);
    const text = b.toString('utf8');
    out.push(this.overflow ? { text, issue: 'too_long', bytes: null } : valid ? { text, issue: null, bytes: null } : { text, issue: 'invalid_utf8', bytes: Buffer.from(b) });
    this.reset();
  }
}

interface InputState {
  readonly path: string;
  state: FollowInputState;
  message: string | null;
  sourceId: number;
  lines: number;
  bytes: number;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

export async function followInputs(db: Database, inputs: readonly FollowInput[], options: FollowOptions): Promise<Follower> {
  const now = options.now ?? Date.now;
  const flushMs = Math.min(options.flushMs ?? 500, 1000);
  const pollMs = options.pollMs ?? 250;
  const cap = options.maxLineBytes ?? 65536;
  const exclusive = createSerializer();
  const abort = new AbortController();
  const started = new Date();
  const store = await exclusive(() => IngestStore.open(db));
  const parser = createLineParser(options);

  const states: InputState[] = inputs.map((i) => ({ path: i.path, state: 'waiting', message: null, sourceId: -1, lines: 0, bytes: 0 }));
  const counts = { linesRead: 0, sessions: 0, events: 0, rejects: 0, blank: 0 };
  let latestTsMs: number | null = null;
  let queued: { input: InputState; lines: PendingLine[] }[] = [];
  let queuedLines = 0;
  let wake: (() => void) | null = null;
  let drained: (() => void) | null = null;
  const rates: { at: number; lines: number }[] = [];

  const enqueue = async (input: InputState, lines: PendingLine[]): Promise<void> => {
    if (lines.length === 0) return;
    queued.push({ input, lines });
    queuedLines += lines.length;
    wake?.();
    // Backpressure: stop reading until the store has caught up (never waits on the screens, only on the store).
    while (queuedLines > MAX_QUEUED_LINES && !abort.signal.aborted) await new Promise<void>((r) => (drained = r));
  };

  const openSource = (input: InputState): Promise<void> =>
    exclusive(async () => {
      if (input.sourceId < 0) input.sourceId = await store.openSource(input.path, false, null, 0, null);
    });

  /** Parses and appends lines; runs inside exclusive(). */
  function storeLines(input: InputState, lines: readonly PendingLine[]): void {
    for (const pending of lines) {
      const lineNo = ++input.lines;
      counts.linesRead++;
      const outcome = storeLine(store, parser, counts, input.sourceId, lineNo, pending.text, pending.issue, pending.bytes, cap);
      if (outcome && outcome.kind !== 'blank' && !Number.isNaN(outcome.tsMs) && (latestTsMs === null || outcome.tsMs > latestTsMs)) latestTsMs = outcome.tsMs;
    }
  }

  async function storeLoop(): Promise<void> {
    for (;;) {
      if (abort.signal.aborted) return;
      if (queued.length === 0) {
        if (readersDone) return;
        await new Promise<void>((r) => (wake = r));
        wake = null;
        continue;
      }
      const turn: { input: InputState; lines: PendingLine[] }[] = [];
      let n = 0;
      while (queued.length && n < LINES_PER_TURN) {
        const item = queued.shift()!;
        turn.push(item);
        n += item.lines.length;
      }
      await exclusive(() => {
        for (const item of turn) storeLines(item.input, item.lines);
      });
      queuedLines -= n;
      if (queuedLines <= MAX_QUEUED_LINES) {
        drained?.();
        drained = null;
      }
      // Let timers, keys and renders run between turns.
      await new Promise((r) => setImmediate(r));
    }
  }

  let lastPruneAt = 0;
  let pruneTookMs = 0;
  /**
   * Flush (rows become visible), record progress, prune what fell out of the window. Pruning scans the window,
   * so it is paced (nextRunDelay) and rows may outlive the window by a few seconds; the last call always prunes.
   */
  const flushAndPrune = (final = false): Promise<void> =>
    exclusive(async () => {
      store.flush();
      const started = Date.now();
      const prune = final || started - lastPruneAt >= nextRunDelay(flushMs, pruneTookMs);
      for (const input of states) {
        if (input.sourceId < 0) continue;
        await db.run('UPDATE sources SET lines = $lines, bytes = $bytes, status = $status, message = $message WHERE source_id = $id', {
          lines: input.lines, bytes: input.bytes, status: input.state === 'ended' || input.state === 'reading' || input.state === 'waiting' ? 'ok' : input.state,
          message: input.message, id: input.sourceId,
        });
      }
      if (prune && latestTsMs !== null) {
        const cutoff = latestTsMs - options.windowMs;
        await db.run('DELETE FROM session_rows WHERE ts_ms < $cutoff', { cutoff });
        await db.run('DELETE FROM events WHERE ts < make_timestamp(CAST($cutoff * 1000 AS BIGINT))', { cutoff });
        await db.run('DELETE FROM rejects WHERE ts < make_timestamp(CAST($cutoff * 1000 AS BIGINT))', { cutoff });
        // Evidence lines whose session, event or reject is gone.
        await db.run(`DELETE FROM raw_lines r WHERE NOT EXISTS (SELECT 1 FROM session_rows s WHERE s.source_id = r.source_id AND s.line_no = r.line_no)
          AND NOT EXISTS (SELECT 1 FROM events e WHERE e.source_id = r.source_id AND e.line_no = r.line_no)`);
      }
      if (prune) {
        lastPruneAt = Date.now();
        pruneTookMs = lastPruneAt - started;
      }
      rates.push({ at: now(), lines: counts.linesRead });
      if (rates.length > RATE_SAMPLES) rates.shift();
    });

  async function readStream(input: InputState, stream: NodeJS.ReadableStream): Promise<void> {
    await openSource(input);
    input.state = 'reading';
    const splitter = new LineSplitter(cap);
    const iterator = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
    const aborted = new Promise<IteratorResult<Buffer | string>>((r) => abort.signal.addEventListener('abort', () => r({ done: true, value: undefined }), { once: true }));
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (abort.signal.aborted) {
        // Stop reading: destroy the stream, or a `tail -f` pipe that never ends would hold the process open.
        void iterator.return?.();
        (stream as Partial<Readable>).destroy?.();
        break;
      }
      if (next.done) break;
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      input.bytes += chunk.length;
      const lines: PendingLine[] = [];
      splitter.push(chunk, lines);
      await enqueue(input, lines);
    }
    const last: PendingLine[] = [];
    splitter.end(last);
    await enqueue(input, last);
    input.state = 'ended';
  }

  async function readFile(input: InputState, follow: boolean): Promise<void> {
    const splitter = new LineSplitter(cap);
    const buffer = Buffer.alloc(READ_BYTES);
    let handle: FileHandle | null = null;
    let identity = '';
    let offset = 0;
    let firstOpen = true;
    try {
      while (!abort.signal.aborted) {
        if (!handle) {
          try {
            handle = await open(input.path, 'r');
            const st = await handle.stat();
            if (st.isDirectory()) {
              input.state = 'error';
              input.message = `${input.path}: is a directory`;
              return;
            }
            identity = `${st.dev}:${st.ino}`;
            // A big file is followed from its last bytes (its first, partial line skipped), as tail does.
            offset = firstOpen && follow && st.size > START_TAIL_BYTES ? st.size - START_TAIL_BYTES : 0;
            if (offset > 0) splitter.push(Buffer.from('\n'), []);
            firstOpen = false;
            await openSource(input);
            input.state = 'reading';
            input.message = null;
          } catch (error) {
            await handle?.close();
            handle = null;
            if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
            input.state = follow ? 'waiting' : 'missing';
            input.message = `${input.path}: no such file${follow ? ' (waiting for it)' : ''}`;
            if (!follow) return;
            await sleep(pollMs, abort.signal);
            continue;
          }
        }
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        if (bytesRead > 0) {
          offset += bytesRead;
          input.bytes += bytesRead;
          const lines: PendingLine[] = [];
          // The buffer is reused: the splitter keeps views only of a line's first part, so copy the chunk.
          splitter.push(Buffer.from(buffer.subarray(0, bytesRead)), lines);
          await enqueue(input, lines);
          continue;
        }
        if (!follow) break;
        await sleep(pollMs, abort.signal);
        const st = await stat(input.path).catch(() => null);
        if (st === null) continue; // renamed away, the new file not there yet: finish the old one meanwhile
        if (`${st.dev}:${st.ino}` !== identity) {
          // Rotated by rename: read what was written to the old file before it moved, then open the new one.
          for (;;) {
            const { bytesRead: n } = await handle.read(buffer, 0, buffer.length, offset);
            if (n === 0) break;
            offset += n;
            input.bytes += n;
            const lines: PendingLine[] = [];
            splitter.push(Buffer.from(buffer.subarray(0, n)), lines);
            await enqueue(input, lines);
          }
          const last: PendingLine[] = [];
          splitter.end(last);
          await enqueue(input, last);
          await handle.close();
          handle = null;
        } else if (st.size < offset) {
          // Truncated in place (copytruncate): start over from its beginning.
          splitter.reset();
          offset = 0;
        }
      }
      const last: PendingLine[] = [];
      splitter.end(last);
      await enqueue(input, last);
      input.state = 'ended';
    } catch (error) {
      input.state = 'error';
      input.message = `${input.path}: ${(error as Error).message.split('\n')[0]}`;
    } finally {
      await handle?.close();
    }
  }

  function stats(): FollowStats {
    const first = rates[0];
    const last = rates[rates.length - 1];
    const span = first && last ? (last.at - first.at) / 1000 : 0;
    return {
      ...counts,
      bytes: states.reduce((sum, s) => sum + s.bytes, 0),
      linesPerSecond: first && last && span > 0 ? (last.lines - first.lines) / span : 0,
      latestTsMs,
      lagMs: latestTsMs === null ? null : now() - latestTsMs,
      queuedLines,
      ended: finished,
      inputs: states.map((s) => ({ path: s.path, state: s.state, lines: s.lines, message: s.message })),
    };
  }

  let readersDone = false;
  let finished = false;
  const readers = Promise.all(
    inputs.map((input, i) => {
      const state = states[i]!;
      if (input.path !== '-') return readFile(state, input.follow);
      if (!options.stdin) {
        state.state = 'error';
        state.message = 'no standard input';
        return Promise.resolve();
      }
      return readStream(state, options.stdin);
    }),
  ).then(() => {
    readersDone = true;
    wake?.();
  });
  const storing = storeLoop();
  const ticker = setInterval(() => {
    void flushAndPrune().then(() => options.onTick?.(stats()), () => undefined);
  }, flushMs);

  const done = (async () => {
    await Promise.race([readers, new Promise((r) => abort.signal.addEventListener('abort', r, { once: true }))]);
    if (!abort.signal.aborted) await storing;
    clearInterval(ticker);
    await flushAndPrune(true);
    const totals: IngestTotals = {
      inputs: inputs.map((i) => i.path), linesRead: counts.linesRead, linesSkipped: 0, linesRolledBack: 0, sessions: counts.sessions,
      events: counts.events, rejects: counts.rejects, blank: counts.blank, bytes: stats().bytes,
      status: states.every((s) => s.state === 'ended') ? 'ok' : 'partial',
    };
    await exclusive(() => store.finish(totals, started, (now() - started.getTime()) / 1000));
    finished = true;
    return stats();
  })();

  return {
    done,
    stats,
    exclusive,
    stop() {
      abort.abort();
      wake?.();
      drained?.();
    },
  };
}
