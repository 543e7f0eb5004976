/**
 * Continuous ingest for `wsdiag live`: stdin, or files followed with `tail -F` semantics (rotation by rename,
 * truncation, a file that appears later), polled with fs.stat. Rows are flushed to the store on a timer (flushing
 * is what makes appended rows visible to queries), rows older than the window are pruned, and every use of the
 * connection — appends, flushes, prunes — goes through one serializer, because a DuckDB connection must never run
 * two statements at once and an appender may write into the table when its chunk fills. The screens query on a
 * connection of their own (FollowOptions.screens).
 *
 * The bytes read are split and parsed on a worker thread (see chunk-decoder.ts), so the main thread only stores,
 * prunes and draws. Memory is bounded by the window and by a row budget: pruned rows are given back to the system
 * by a checkpoint, which also compresses what stays.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { parserOptionsOf, type LineParserOptions } from '../parse/parse-line.js';
import type { Database, DatabaseOptions } from '../store/database.js';
import { IngestStore, type IngestTotals } from '../store/ingest-store.js';
import { createSerializer, type Serializer } from '../store/serializer.js';
import type { DecodeRequest } from './chunk-decoder.js';
import { decodeInWorker, decodeOnMainThread, type LiveDecoder } from './decode-in-worker.js';
import type { EncodedLines } from './encode-lines.js';
import { nextRunDelay } from '../store/pacing.js';
import { addCounts } from './store-line.js';

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
  /**
   * At most about this many sessions and rejected lines are kept: when the window holds more (a busy proxy, or a
   * flood of garbage), its oldest part is pruned too and the stats say how much log time is held (heldMs).
   * Default DEFAULT_MAX_SESSIONS.
   */
  readonly maxSessions?: number;
  /**
   * The serializer of the connection the screens query on, when it is another one than `db`: a checkpoint waits
   * until no query runs there (DuckDB refuses to checkpoint under an open transaction).
   */
  readonly screens?: Serializer;
  /**
   * When the name dictionary holds more names than this (values that keep coming: IPv6 clients, session
   * cookies), it starts over: the names no stored session uses are deleted, those seen again get new ids.
   * Default DEFAULT_MAX_NAMES.
   */
  readonly maxNames?: number;
  /** Where lines are parsed: on a worker thread (default) or on the main thread. */
  readonly parseOn?: 'worker' | 'main';
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
  /** How much log time the store holds when the row budget cut the window short (null: the whole window). */
  readonly heldMs: number | null;
  /** Lines read but not stored yet. */
  readonly queuedLines: number;
  readonly ended: boolean;
  readonly inputs: readonly { readonly path: string; readonly state: FollowInputState; readonly lines: number; readonly message: string | null }[];
}

export interface Follower {
  /** Resolves once every input has ended (or stop() was called) and the last rows are flushed. */
  readonly done: Promise<FollowStats>;
  stats(): FollowStats;
  /** Runs `fn` alone on the follower's connection (the screens have their own; see FollowOptions.screens). */
  exclusive<T>(fn: () => Promise<T> | T): Promise<T>;
  stop(): void;
}

/** A followed file bigger than this is read from its last bytes, as tail does. */
const START_TAIL_BYTES = 64 * 1024 * 1024;
/**
 * Bytes read at a time from a followed input. Unlike ingest's READ_CHUNK_BYTES (64 KB), 256 KB here: the live
 * benchmark at 100 k lines/s peaked ~50 MB higher with 64 KB reads (632 and 616 against 581 MB).
 */
const READ_BYTES = 256 * 1024;
/** Reading pauses while this many lines wait to be parsed or stored. */
const MAX_QUEUED_LINES = 50_000;
const RATE_SAMPLES = 10;
/**
 * How live mode opens its store. The live benchmark at 100 k lines/s (40 s runs, a budget of 300 k, two runs each;
 * runs differ by about ±15%) peaked at 426 and 450 MB with this and src/allocator.ts together, and without one of
 * the three:
 * - without an in-memory database that compresses (compressInMemory): 534, 522 MB;
 * - with a DuckDB thread per core: 549, 547 MB. One thread makes the screens' diagnoses slower, not storing;
 * - with DuckDB's allocator keeping freed pages for a second (src/allocator.ts): 556, 562 MB.
 * With none of them: 595, 670 MB.
 */
export const LIVE_DATABASE: DatabaseOptions = { compressInMemory: true, threads: 1 };
/**
 * The row budget of live mode, chosen for the memory target: 100 k lines/s for 10 minutes under 500 MB of RSS (the
 * README's live benchmark). The 10-minute run peaked at 568 MB with a budget of 300 k and 491 MB with 150 k; each
 * 100 k rows held costs ~40 MB at the peak, most of it the scoped table each refresh builds. At 100 k lines/s this
 * holds about a second of log; at 5 k lines/s, 20 s. `--max-sessions` trades memory for more.
 */
export const DEFAULT_MAX_SESSIONS = 100_000;
/** Names the dictionaries may hold before they start over (see FollowOptions.maxNames). */
export const DEFAULT_MAX_NAMES = 100_000;
/** Rejects and events without a time stamp kept per input (the newest): the row budget, at most this many. */
const MAX_TIMELESS_KEPT = 10_000;
/** How many (time, rows stored) marks the row budget remembers: one per flush. */
const BUDGET_MARKS = 4096;

function countLines(chunk: Uint8Array): number {
  let n = 0;
  for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) n++;
  return n;
}

interface InputState {
  /** Its position among the inputs: how the decoder tells them apart. */
  readonly index: number;
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

/**
 * `promise`, or null as soon as `signal` aborts. Unlike a race against one long-lived "aborted" promise, it
 * leaves nothing behind: each race would add a reaction to that promise holding its result (here, a chunk of
 * the input) for as long as the input lasts, which leaked every byte read from stdin.
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | null> {
  if (signal.aborted) return Promise.resolve(null);
  return new Promise<T | null>((resolve, reject) => {
    const onAbort = (): void => resolve(null);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(signal.aborted ? null : value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}

export async function followInputs(db: Database, inputs: readonly FollowInput[], options: FollowOptions): Promise<Follower> {
  const now = options.now ?? Date.now;
  const flushMs = Math.min(options.flushMs ?? 500, 1000);
  const pollMs = options.pollMs ?? 250;
  const cap = options.maxLineBytes ?? 65536;
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
  const timelessKept = Math.min(maxSessions, MAX_TIMELESS_KEPT);
  const exclusive = createSerializer();
  const screens = options.screens ?? createSerializer();
  const abort = new AbortController();
  const started = new Date();
  const store = await exclusive(() => IngestStore.open(db));
  // A checkpoint compacts every row group that pruning left partly deleted: it decompresses and rewrites them,
  // which made each checkpoint after a prune need ~115 MB more for a moment (and live's RSS peak with it).
  // Pruning goes oldest first, so such a row group is soon deleted whole and dropped without a rewrite.
  await exclusive(() => db.run('SET max_vacuum_tasks = 0'));
  const decoderOptions = { parser: parserOptionsOf(options), maxLineBytes: cap, names: store.nameEntries() };
  const decoder: LiveDecoder = options.parseOn === 'main' ? decodeOnMainThread(decoderOptions) : decodeInWorker(decoderOptions);

  const states: InputState[] = inputs.map((i, index) => ({ index, path: i.path, state: 'waiting', message: null, sourceId: -1, lines: 0, bytes: 0 }));
  const counts = { linesRead: 0, sessions: 0, events: 0, rejects: 0, blank: 0 };
  let latestTsMs: number | null = null;
  let heldFromMs: number | null = null;
  /** Requests sent to the decoder, in order, with the lines each will bring (its newlines). */
  const queued: { input: InputState; lines: number; rows: Promise<EncodedLines>; forgetNames?: true }[] = [];
  const maxNames = options.maxNames ?? DEFAULT_MAX_NAMES;
  let forgettingNames = false;
  let queuedLines = 0;
  let wake: (() => void) | null = null;
  let drained: (() => void) | null = null;
  let failure: Error | null = null;
  const rates: { at: number; lines: number }[] = [];
  /** (newest log time, budgeted rows stored so far) at each flush: where the row budget cuts the window. */
  const marks: { tsMs: number; rows: number }[] = [];
  /** The rows the budget counts: those that grow with the input (sessions, and rejects for a garbage flood). */
  const budgetedRows = (): number => counts.sessions + counts.rejects;

  /** Sends a request to the decoder; its reply is stored in order by the store loop. */
  const enqueue = (input: InputState, request: DecodeRequest, lines: number): void => {
    const rows = decoder.decode(request);
    rows.catch(() => undefined); // a failure is met by the store loop, in order
    queued.push({ input, lines, rows, ...('forgetNames' in request ? { forgetNames: true as const } : {}) });
    queuedLines += lines;
    wake?.();
  };
  const send = async (input: InputState, request: DecodeRequest, lines: number): Promise<void> => {
    enqueue(input, request, lines);
    // Backpressure: stop reading until the store has caught up (never waits on the screens, only on the store).
    while (queuedLines > MAX_QUEUED_LINES && !abort.signal.aborted) await new Promise<void>((r) => (drained = r));
  };
  const sendChunk = (input: InputState, chunk: Buffer): Promise<void> => {
    input.bytes += chunk.length;
    return send(input, { input: input.index, chunk }, countLines(chunk));
  };
  const sendEnd = (input: InputState): Promise<void> => send(input, { input: input.index, end: true }, 1);

  const openSource = (input: InputState): Promise<void> =>
    exclusive(async () => {
      if (input.sourceId < 0) input.sourceId = await store.openSource(input.path, false, null, 0, null);
    });

  function stored(input: InputState, rows: EncodedLines): void {
    input.lines += rows.lines;
    counts.linesRead += rows.lines;
    addCounts(counts, rows.counts);
    if (!Number.isNaN(rows.latestTsMs) && (latestTsMs === null || rows.latestTsMs > latestTsMs)) latestTsMs = rows.latestTsMs;
  }

  async function storeLoop(): Promise<void> {
    for (;;) {
      if (abort.signal.aborted) return;
      const next = queued[0];
      if (!next) {
        if (readersDone) return;
        await new Promise<void>((r) => (wake = r));
        wake = null;
        continue;
      }
      let rows: EncodedLines;
      try {
        rows = await next.rows;
      } catch (error) {
        // The decoder failed (its worker died): what is stored stays; the inputs say why they stopped.
        failure = error as Error;
        abort.abort();
        return;
      }
      await exclusive(async () => {
        store.addEncoded(rows, next.input.sourceId);
        stored(next.input, rows);
        if (next.forgetNames) {
          // Every row with the old ids is stored: the store forgets them too, and drops the unused ones.
          await store.forgetNames();
          forgettingNames = false;
        }
      });
      queued.shift();
      queuedLines -= next.lines;
      if (queuedLines <= MAX_QUEUED_LINES) {
        drained?.();
        drained = null;
      }
      // Let timers, keys and renders run between turns.
      await new Promise((r) => setImmediate(r));
    }
  }

  /** The log time before which rows go: the window's start, or later when it holds more than the row budget. */
  function cutoffMs(latest: number): number {
    let cutoff = latest - options.windowMs;
    const excess = budgetedRows() - maxSessions;
    if (excess > 0) {
      // The newest mark at which no more than the budget had yet to come.
      let cut: number | null = null;
      for (const mark of marks) if (mark.rows <= excess) cut = mark.tsMs;
      if (cut !== null && cut > cutoff) cutoff = cut;
    }
    heldFromMs = cutoff;
    return cutoff;
  }

  let lastPruneAt = 0;
  let pruneTookMs = 0;
  let checkpointing: Promise<void> | null = null;
  /**
   * DuckDB gives the memory of deleted rows back, and compresses the rows it keeps, only at a checkpoint. The
   * screens' connection is taken first, then this one, so that storing waits only for the checkpoint itself.
   */
  function checkpoint(): void {
    if (checkpointing) return;
    checkpointing = screens(() => exclusive(() => db.run('CHECKPOINT')))
      // Not now (a transaction was open): the next prune tries again.
      .catch(() => undefined)
      .finally(() => (checkpointing = null));
  }
  /**
   * Flush (rows become visible), record progress, prune what fell out of the window or the row budget, and
   * checkpoint. Pruning scans the window, so it is paced (nextRunDelay) and rows may outlive the window by a few
   * seconds; the last call always prunes.
   */
  const flushAndPrune = (final = false): Promise<void> =>
    exclusive(async () => {
      store.flush();
      if (latestTsMs !== null) {
        marks.push({ tsMs: latestTsMs, rows: budgetedRows() });
        if (marks.length > BUDGET_MARKS) marks.splice(0, marks.length - BUDGET_MARKS / 2);
      }
      const started = Date.now();
      const prune = final || started - lastPruneAt >= nextRunDelay(flushMs, pruneTookMs);
      for (const input of states) {
        if (input.sourceId < 0) continue;
        await db.run('UPDATE sources SET lines = $lines, bytes = $bytes, status = $status, message = $message WHERE source_id = $id', {
          lines: input.lines, bytes: input.bytes, status: input.state === 'ended' || input.state === 'reading' || input.state === 'waiting' ? 'ok' : input.state,
          message: input.message, id: input.sourceId,
        });
      }
      if (!final && !forgettingNames && store.nameCount > maxNames && states[0]) {
        // The decoder forgets at this point of the stream; the store when the reply comes back (store loop).
        forgettingNames = true;
        enqueue(states[0], { input: 0, forgetNames: true }, 0);
      }
      if (prune) {
        if (latestTsMs !== null) {
          const cutoff = cutoffMs(latestTsMs);
          await db.run('DELETE FROM session_rows WHERE ts_ms < $cutoff', { cutoff });
          // Server and health-check events stay for the whole window whatever the row budget: they are few (HAProxy
          // logs state changes), and a server that went DOWN ten minutes ago still explains the errors of now.
          await db.run('DELETE FROM events WHERE ts < make_timestamp(CAST($cutoff * 1000 AS BIGINT))', { cutoff: latestTsMs - options.windowMs });
          await db.run('DELETE FROM rejects WHERE ts < make_timestamp(CAST($cutoff * 1000 AS BIGINT))', { cutoff });
        }
        // Lines without a time (garbage, `format raw` events) never fall out of the window: the newest are kept.
        for (const table of ['rejects', 'events']) {
          await db.run(`DELETE FROM ${table} t USING (
              SELECT source_id, line_no FROM (
                SELECT source_id, line_no, row_number() OVER (PARTITION BY source_id ORDER BY line_no DESC) AS newest
                FROM ${table} WHERE ts IS NULL)
              WHERE newest > $kept) old
            WHERE t.source_id = old.source_id AND t.line_no = old.line_no`, { kept: timelessKept });
        }
        // Evidence lines whose session, event or reject is gone.
        await db.run(`DELETE FROM raw_lines r WHERE NOT EXISTS (SELECT 1 FROM session_rows s WHERE s.source_id = r.source_id AND s.line_no = r.line_no)
          AND NOT EXISTS (SELECT 1 FROM events e WHERE e.source_id = r.source_id AND e.line_no = r.line_no)`);
        if (!final) checkpoint();
        lastPruneAt = Date.now();
        pruneTookMs = lastPruneAt - started;
      }
      rates.push({ at: now(), lines: counts.linesRead });
      if (rates.length > RATE_SAMPLES) rates.shift();
    });

  async function readStream(input: InputState, stream: NodeJS.ReadableStream): Promise<void> {
    await openSource(input);
    input.state = 'reading';
    const iterator = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
    for (;;) {
      const next = await untilAborted(iterator.next(), abort.signal);
      if (next === null) {
        // Stop reading: destroy the stream, or a `tail -f` pipe that never ends would hold the process open.
        void iterator.return?.();
        (stream as Partial<Readable>).destroy?.();
        break;
      }
      if (next.done) break;
      await sendChunk(input, typeof next.value === 'string' ? Buffer.from(next.value) : next.value);
    }
    await sendEnd(input);
    input.state = 'ended';
  }

  async function readFile(input: InputState, follow: boolean): Promise<void> {
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
            // A big file is followed from its last bytes, as tail does.
            offset = firstOpen && follow && st.size > START_TAIL_BYTES ? st.size - START_TAIL_BYTES : 0;
            firstOpen = false;
            await openSource(input);
            if (offset > 0) {
              // Its first, partial line is skipped: read up to the next newline and drop it.
              const head = Buffer.alloc(Math.min(cap + 1, READ_BYTES));
              const { bytesRead } = await handle.read(head, 0, head.length, offset);
              const nl = head.subarray(0, bytesRead).indexOf(10);
              offset += nl < 0 ? bytesRead : nl + 1;
            }
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
          await sendChunk(input, buffer.subarray(0, bytesRead));
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
            await sendChunk(input, buffer.subarray(0, n));
          }
          await sendEnd(input);
          await handle.close();
          handle = null;
        } else if (st.size < offset) {
          // Truncated in place (copytruncate): start over from its beginning.
          await send(input, { input: input.index, reset: true }, 0);
          offset = 0;
        }
      }
      await sendEnd(input);
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
      heldMs: heldFromMs !== null && latestTsMs !== null && heldFromMs > latestTsMs - options.windowMs ? latestTsMs - heldFromMs : null,
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
    await checkpointing;
    await decoder.close();
    if (failure) {
      for (const input of states) {
        if (input.state === 'reading' || input.state === 'waiting') {
          input.state = 'error';
          input.message = `${input.path}: ${failure.message}`;
        }
      }
    }
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
