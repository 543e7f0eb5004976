/**
 * The pipeline for `wsdiag live`: stdin, or files followed as `tail -F` follows them (src/input/tail-file.ts), read
 * at once. Rows are committed at most every second with every source's resume point (so the screens see them, and
 * a restart of `live --db` goes on where it stopped), rows older than the window or beyond the row budget are
 * dropped (store/retention.ts), and DuckDB gives their memory back at a checkpoint.
 */
import { readFileAt, readStream, newInputResult, probeFile, readFile } from '../input/read-source.js';
import { tailFile, type FollowedContent } from '../input/tail-file.js';
import type { Database, DatabaseOptions } from '../store/database.js';
import { IngestStore, type IngestTotals } from '../store/ingest-store.js';
import { nextRunDelay } from '../store/pacing.js';
import { pruneWindow } from '../store/retention.js';
import { createSerializer, type Serializer } from '../store/serializer.js';
import { storeFailure } from '../store/store-failure.js';
import { startPipeline, type OpenInput, type Pipeline, type PipelineOptions, type StartDecision } from './run-pipeline.js';

export interface FollowInput {
  /** A file, or '-' for the stream given as `stdin`. */
  readonly path: string;
  /** Keep reading after its end (tail -F); otherwise the input ends at its end. */
  readonly follow: boolean;
}

export interface FollowOptions extends PipelineOptions {
  /** Rows older than this, on the log's clock (the newest timestamp seen), are pruned. */
  readonly windowMs: number;
  /**
   * At most about this many sessions and rejected lines are kept: when the window holds more (a busy proxy, or a
   * flood of garbage), its oldest part is pruned too and the stats say how much log time is held (heldMs).
   * Default DEFAULT_MAX_SESSIONS.
   */
  readonly maxSessions?: number;
  /**
   * The serializer of the connection the screens query on: a checkpoint waits until no query runs there (DuckDB
   * refuses to checkpoint under an open transaction).
   */
  readonly screens?: Serializer;
  /**
   * When the name dictionary holds more names than this (values that keep coming: IPv6 clients, session
   * cookies), it starts over: the names no stored session uses are deleted, those seen again get new ids.
   * Default DEFAULT_MAX_NAMES.
   */
  readonly maxNames?: number;
  readonly stdin?: NodeJS.ReadableStream;
  /** How often rows are committed (made visible) and pruned. At most 1000. */
  readonly flushMs?: number;
  /** How often a followed file is looked at while nothing comes. */
  readonly pollMs?: number;
  /** After how long without a byte a followed file's unfinished line is stored as partial. */
  readonly idleMs?: number;
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
  /** Requests read but not stored yet. */
  readonly queuedLines: number;
  readonly ended: boolean;
  /** Why live stopped before its inputs ended (a store that cannot be written), or null. */
  readonly failure: string | null;
  readonly inputs: readonly {
    readonly path: string;
    readonly state: FollowInputState;
    readonly lines: number;
    /** Bytes read from it (all its contents). */
    readonly bytes: number;
    /** Contents read from it: its first file, then one per rotation or truncation. */
    readonly contents: number;
    /** How far the content being read now has been read (bytes from its start). */
    readonly readOffset: number;
    readonly message: string | null;
  }[];
}

export interface Follower {
  /** Resolves once every input has ended (or stop() was called) and the last rows are committed. */
  readonly done: Promise<FollowStats>;
  stats(): FollowStats;
  /** Runs `fn` alone on the follower's connection (the screens have their own; see FollowOptions.screens). */
  exclusive<T>(fn: () => Promise<T> | T): Promise<T>;
  stop(): void;
}

/** A followed file bigger than this is read from its last bytes, as tail does (unless it is resumed). */
const START_TAIL_BYTES = 64 * 1024 * 1024;
const RATE_SAMPLES = 10;
/**
 * How live mode opens its store. The live benchmark at 100 k lines/s peaked lower with each of these: an in-memory
 * database that compresses what it holds, one DuckDB thread (the screens' diagnoses get slower, not storing), and
 * DuckDB's allocator giving freed pages back at once (src/store/allocator.ts). See bench/README.md.
 */
export const LIVE_DATABASE: DatabaseOptions = { compressInMemory: true, threads: 1 };
/**
 * The row budget of live mode, chosen for the memory target (100 k lines/s for 10 minutes within the bound of the
 * live benchmark): at 100 k lines/s this holds about a second of log; at 5 k lines/s, 20 s. `--max-sessions` trades
 * memory for more.
 */
export const DEFAULT_MAX_SESSIONS = 100_000;
/** Names the dictionaries may hold before they start over (see FollowOptions.maxNames). */
export const DEFAULT_MAX_NAMES = 100_000;
/** Rejects and events without a time stamp kept per source (the newest): the row budget, at most this many. */
const MAX_TIMELESS_KEPT = 10_000;
/** How many (time, rows stored) marks the row budget remembers: one per flush. */
const BUDGET_MARKS = 4096;

interface InputState {
  readonly path: string;
  state: FollowInputState;
  message: string | null;
  lines: number;
  bytes: number;
  contents: number;
  readOffset: number;
  /** The content being read now. */
  current: OpenInput | null;
}

export async function followInputs(db: Database, inputs: readonly FollowInput[], options: FollowOptions): Promise<Follower> {
  const now = options.now ?? Date.now;
  const flushMs = Math.min(options.flushMs ?? 500, 1000);
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
  const maxNames = options.maxNames ?? DEFAULT_MAX_NAMES;
  const timelessKept = Math.min(maxSessions, MAX_TIMELESS_KEPT);
  const screens = options.screens ?? createSerializer();
  const abort = new AbortController();
  const started = new Date();
  const store = await IngestStore.open(db);
  // A checkpoint compacts every row group that pruning left partly deleted: it decompresses and rewrites them,
  // which made each checkpoint after a prune need ~115 MB more for a moment (and live's RSS peak with it).
  // Pruning goes oldest first, so such a row group is soon deleted whole and dropped without a rewrite.
  await db.run('SET max_vacuum_tasks = 0');

  const states: InputState[] = inputs.map((i) => ({ path: i.path, state: 'waiting', message: null, lines: 0, bytes: 0, contents: 0, readOffset: 0, current: null }));
  const counts = { linesRead: 0, sessions: 0, events: 0, rejects: 0, blank: 0 };
  const open = new Set<OpenInput>();
  let latestTsMs: number | null = null;
  let heldFromMs: number | null = null;
  let failure: Error | null = null;
  const rates: { at: number; lines: number }[] = [];
  /** (newest log time, budgeted rows stored so far) at each flush: where the row budget cuts the window. */
  const marks: { tsMs: number; rows: number }[] = [];
  /** The rows the budget counts: those that grow with the input (sessions, and rejects for a garbage flood). */
  const budgetedRows = (): number => counts.sessions + counts.rejects;
  const stateOf = new Map<OpenInput, InputState>();

  const pipeline: Pipeline = await startPipeline(store, options, {
    onStored: (input, reply) => {
      counts.linesRead += reply.lines;
      counts.sessions += reply.counts.sessions;
      counts.events += reply.counts.events;
      counts.rejects += reply.counts.rejects;
      counts.blank += reply.counts.blank;
      const state = stateOf.get(input);
      if (state) state.lines += reply.lines;
      if (!Number.isNaN(reply.latestTsMs) && (latestTsMs === null || reply.latestTsMs > latestTsMs)) latestTsMs = reply.latestTsMs;
    },
  });

  const fail = (error: unknown): void => {
    failure ??= storeFailure(error, db.path) ?? (error instanceof Error ? error : new Error(String(error)));
    abort.abort();
  };

  async function openInput(state: InputState, path: string, compressed: boolean, head: () => Uint8Array | null, decision: StartDecision): Promise<OpenInput> {
    const input = await pipeline.open(path, compressed, head, decision);
    stateOf.set(input, state);
    state.current = input;
    state.contents++;
    open.add(input);
    for (const k of decision.mismatched) {
      await pipeline.exclusive(() => store.inputEvent({
        sourceId: input.sourceId, path, kind: 'not-resumed', offset: k.offset, lostBytes: null,
        message: `${path} starts like ${k.path} (source ${k.sourceId}) but differs before its stored offset ${k.offset}: read as a new input`,
      }));
    }
    return input;
  }

  /** The content ended (its end, a rotation, a truncation, or live stopping): its last line, then its position. */
  async function closeInput(input: OpenInput, how: 'eof' | 'partial'): Promise<void> {
    await pipeline.end(input, how);
    await input.settled();
    await pipeline.commit([input]);
    open.delete(input);
    const state = stateOf.get(input);
    if (state?.current === input) state.current = null;
  }

  async function readStdin(state: InputState): Promise<void> {
    if (!options.stdin) {
      state.state = 'error';
      state.message = 'no standard input';
      return;
    }
    state.state = 'reading';
    const result = newInputResult();
    const input = await openInput(state, '-', false, () => null, pipeline.freshStart(null, []));
    for await (const bytes of readStream(options.stdin, result, abort.signal)) {
      state.bytes += bytes.length;
      await pipeline.bytes(input, bytes);
    }
    // Stopped while the stream goes on: its unfinished line is stored as partial; at its end, it is a line.
    await closeInput(input, abort.signal.aborted ? 'partial' : 'eof');
    state.state = result.status === 'ok' ? 'ended' : 'error';
    state.message = result.message;
  }

  async function readWhole(state: InputState): Promise<void> {
    const result = newInputResult();
    const probe = await probeFile(state.path, result);
    if (!probe) {
      state.state = result.status === 'missing' ? 'missing' : 'error';
      state.message = result.message;
      return;
    }
    state.state = 'reading';
    const decision = await pipeline.decideStart({
      head: probe.head, size: probe.size, mtimeMs: probe.mtimeMs, readAt: probe.compressed ? null : (at, length) => readFileAt(state.path, at, length),
    });
    // A gzip read live is not checked at its resume point: read as new unless it is plain.
    const start = probe.compressed && decision.resumed ? pipeline.freshStart(probe.mtimeMs, []) : decision;
    const input = await openInput(state, state.path, probe.compressed, () => probe.head, start);
    for await (const bytes of readFile(probe, { offset: start.start.offset }, result)) {
      if (abort.signal.aborted) break;
      state.bytes += bytes.length;
      await pipeline.bytes(input, bytes);
    }
    await closeInput(input, abort.signal.aborted ? 'partial' : 'eof');
    state.state = result.status === 'ok' ? 'ended' : 'error';
    state.message = result.message;
  }

  async function follow(state: InputState): Promise<void> {
    const decisions = new Map<FollowedContent, StartDecision>();
    const start = async (content: FollowedContent): Promise<number> => {
      let decision = await pipeline.decideStart({ head: content.head, size: content.size, mtimeMs: content.mtimeMs, readAt: (at, length) => content.readAt(at, length) });
      if (!decision.resumed && content.size > START_TAIL_BYTES) {
        // A big file is followed from its last bytes, as tail does: from the first line that starts there.
        const from = content.size - START_TAIL_BYTES;
        const probe = await content.readAt(from, 1 << 20);
        const nl = probe.indexOf(10);
        const offset = nl < 0 ? content.size : from + nl + 1;
        decision = { ...decision, start: { ...decision.start, offset } };
      }
      decisions.set(content, decision);
      return decision.start.offset;
    };
    for await (const event of tailFile(state.path, { start, signal: abort.signal, ...(options.pollMs ? { pollMs: options.pollMs } : {}), ...(options.idleMs ? { idleMs: options.idleMs } : {}) })) {
      const input = state.current;
      switch (event.type) {
        case 'waiting':
          state.state = 'waiting';
          state.message = event.message;
          break;
        case 'error':
          state.state = 'error';
          state.message = event.message;
          break;
        case 'open': {
          state.state = 'reading';
          state.message = null;
          const decision = decisions.get(event.content)!;
          decisions.delete(event.content);
          state.readOffset = event.offset;
          await openInput(state, state.path, false, () => event.content.head, decision);
          break;
        }
        case 'bytes':
          state.bytes += event.bytes.length;
          state.readOffset += event.bytes.length;
          if (input) await pipeline.bytes(input, event.bytes);
          break;
        case 'idle':
          if (input) await pipeline.end(input, 'partial', false);
          break;
        case 'rotated':
          if (input) await closeInput(input, 'eof');
          break;
        case 'truncated':
          if (input) {
            await closeInput(input, 'partial');
            await pipeline.exclusive(() => store.inputEvent({
              sourceId: input.sourceId, path: state.path, kind: 'truncated', offset: input.offset, lostBytes: event.lostBytes,
              message: `${state.path} was truncated in place (copytruncate?) after ${event.offset} bytes were read` +
                (event.recoveredFrom ? `; the ${event.recoveredBytes} bytes written before it were read from its copy ${event.recoveredFrom}` : '') +
                (event.lostBytes > 0 ? `; at least ${event.lostBytes} bytes written to it were lost` : '') + '; reading its new content from its start',
            }));
          }
          break;
      }
    }
    // Stopped: the unfinished line of the content being read is stored as partial.
    if (state.current) await closeInput(state.current, 'partial');
    if (state.state !== 'error') state.state = 'ended';
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
  let forgettingNames = false;
  /**
   * DuckDB gives the memory of deleted rows back, and compresses the rows it keeps, only at a checkpoint. The
   * screens' connection is taken first, then this one, so that storing waits only for the checkpoint itself.
   */
  function checkpoint(): void {
    if (checkpointing) return;
    // Not now when the screens' side holds a transaction open: the next prune tries again. A commit that fails
    // stops live (fail), as any other.
    checkpointing = screens(() => pipeline.commit(open, () => db.run('CHECKPOINT').catch(() => undefined)))
      .catch(fail)
      .finally(() => (checkpointing = null));
  }

  /**
   * Commit (rows become visible, resume points saved), record progress, prune what fell out of the window or the
   * row budget, and checkpoint. Pruning scans the window, so it is paced (nextRunDelay) and rows may outlive the
   * window by a few seconds; the last call always prunes.
   */
  async function flushAndPrune(final = false): Promise<void> {
    await pipeline.commit(open);
    if (latestTsMs !== null) {
      marks.push({ tsMs: latestTsMs, rows: budgetedRows() });
      if (marks.length > BUDGET_MARKS) marks.splice(0, marks.length - BUDGET_MARKS / 2);
    }
    const startedAt = Date.now();
    if (final || startedAt - lastPruneAt >= nextRunDelay(flushMs, pruneTookMs)) {
      const latest = latestTsMs;
      await pipeline.exclusive(() => pruneWindow(db, {
        sessionsBeforeMs: latest === null ? null : cutoffMs(latest),
        eventsBeforeMs: latest === null ? null : latest - options.windowMs,
        timelessKept,
      }));
      if (!final) checkpoint();
      lastPruneAt = Date.now();
      pruneTookMs = lastPruneAt - startedAt;
    }
    if (!final && !forgettingNames && store.nameCount > maxNames) {
      // The worker forgets at this point of the stream; the store when that reply is stored.
      forgettingNames = true;
      void pipeline.forgetNames().then(() => (forgettingNames = false), fail);
    }
    rates.push({ at: now(), lines: counts.linesRead });
    if (rates.length > RATE_SAMPLES) rates.shift();
  }

  let finished = false;
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
      queuedLines: pipeline.queuedRequests,
      ended: finished,
      failure: failure ? failure.message.split('\n')[0]! : null,
      inputs: states.map((s) => ({ path: s.path, state: s.state, lines: s.lines, bytes: s.bytes, contents: s.contents, readOffset: s.readOffset, message: s.message })),
    };
  }

  const readers = Promise.all(
    inputs.map(async (input, i) => {
      const state = states[i]!;
      try {
        if (input.path === '-') await readStdin(state);
        else if (input.follow) await follow(state);
        else await readWhole(state);
      } catch (error) {
        state.state = 'error';
        state.message = `${state.path}: ${(error as Error).message.split('\n')[0]}`;
        fail(error);
      }
    }),
  );

  // Flushes run one after the other; a failing one stops live (it is reported, never swallowed).
  let flushing: Promise<void> = Promise.resolve();
  const ticker = setInterval(() => {
    flushing = flushing.then(() => (failure ? undefined : flushAndPrune().then(() => options.onTick?.(stats()), fail)));
  }, flushMs);

  const done = (async () => {
    await readers;
    clearInterval(ticker);
    await flushing;
    await checkpointing;
    try {
      if (!failure) await flushAndPrune(true);
    } catch (error) {
      fail(error);
    }
    let closeError: unknown = null;
    await pipeline.close().catch((error: unknown) => (closeError = error));
    if (closeError) fail(closeError);
    if (!failure) {
      const s = stats();
      const totals: IngestTotals = {
        inputs: inputs.map((i) => i.path), linesRead: s.linesRead, linesSkipped: 0, linesRolledBack: 0, sessions: s.sessions,
        events: s.events, rejects: s.rejects, blank: s.blank, bytes: s.bytes,
        status: states.every((x) => x.state === 'ended') ? 'ok' : 'partial',
      };
      await pipeline.exclusive(() => store.finish(totals, started, (now() - started.getTime()) / 1000)).catch(fail);
    }
    // After a failure the appenders are still open: they must close before the database does.
    store.abandon();
    finished = true;
    return stats();
  })();

  return {
    done,
    stats,
    exclusive: pipeline.exclusive,
    stop() {
      abort.abort();
    },
  };
}
