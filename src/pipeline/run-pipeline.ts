/**
 * The one path a log line takes, whatever the command:
 *
 *   source (file, .gz, stdin, followed file; src/input)  →  bytes, in order, to the parse worker
 *   parse worker (split into lines, parse, encode; line-decoder.ts)  →  rows, in the same order
 *   store loop (this file)  →  appended to DuckDB, committed with each source's resume point (src/store)
 *
 * What differs between a batch (`ingest`, `analyze`, `report`…) and `live` is a policy on top of this: when to
 * commit, what to do with a broken input, how long to keep rows (batch-policy.ts, live-policy.ts). Every line read
 * ends as a session, an event, a reject or a blank line — counted here — or is skipped because an earlier run
 * stored it, or is rolled back with a broken input: the totals add up.
 */
import { hashBytes, headMatches, tailMatches } from '../input/fingerprint.js';
import type { LineParserOptions } from '../parse/parse-line.js';
import { parserOptionsOf } from '../parse/parse-line.js';
import { LONG_TEXT_CHARS, type IngestStore, type KnownSource, type SourcePosition } from '../store/ingest-store.js';
import type { DecodeReply, DecodeRequest, EndHow, SourceStart } from './line-decoder.js';
import { addCounts, type LineCounts } from './store-line.js';
import { decodeInWorker, decodeOnMainThread, type Decoder } from './worker-client.js';

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

export interface PipelineOptions extends LineParserOptions {
  readonly maxLineBytes?: number;
  /**
   * Where lines are parsed: on a worker thread (default; the main thread only stores) or on the main thread (the
   * same decoder, between appends: batch-policy.ts chooses it for small inputs, where the worker's start costs more).
   */
  readonly parseOn?: 'worker' | 'main';
  /** See DecoderSeed.alignRows (batch-policy.ts commits where it falls); 0 or absent: replies are never cut. */
  readonly alignRows?: number;
}

/** Requests sent to the worker and not answered yet: reading waits beyond this (bounded memory). */
const MAX_IN_FLIGHT = 16;

/** One content being read: a file, a .gz, stdin, or one file of a followed path. */
export class OpenInput implements LineCounts {
  sessions = 0;
  events = 0;
  rejects = 0;
  blank = 0;
  /** Lines read this run (skipped ones of a legacy resume included). */
  lines = 0;
  /** Lines counted but not stored again (a legacy resume). */
  skipped = 0;
  /** Lines of this content stored before this run. */
  readonly linesBefore: number;
  /** Bytes read this run. */
  bytesRead = 0;
  status = 'ok';
  message: string | null = null;
  /** Where the lines stored so far end, and what comes before that point (see SourcePosition). */
  offset: number;
  tail: Uint8Array;
  insideLine: boolean;
  /** Rows and text added since the last commit. */
  linesSinceCommit = 0;
  charsSinceCommit = 0;
  /** The position changed since the last commit. */
  dirty = false;
  /** Replies still to come for requests sent for it. */
  inFlight = 0;
  private drained: (() => void) | null = null;

  constructor(
    /** Its key in the worker's requests. */
    readonly key: number,
    readonly sourceId: number,
    readonly path: string,
    readonly compressed: boolean,
    /** Its first bytes, as the reader knows them (a followed file's grow while it is short). */
    readonly head: () => Uint8Array | null,
    readonly start: SourceStart,
    /** The stored source it continues, or null. */
    readonly resumed: KnownSource | null,
  ) {
    this.linesBefore = start.firstLineNo - 1;
    this.offset = start.offset;
    this.tail = start.tail;
    this.insideLine = start.insideLine;
  }

  /** Every reply for it has been stored. */
  async settled(): Promise<void> {
    while (this.inFlight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
  }

  /** @internal the store loop took a reply for it. */
  tookReply(): void {
    this.inFlight--;
    if (this.inFlight === 0) {
      this.drained?.();
      this.drained = null;
    }
  }

  position(): SourcePosition {
    return {
      sourceId: this.sourceId, lines: this.linesBefore + this.lines, bytes: this.offset, offset: this.offset, tail: this.tail,
      insideLine: this.insideLine, head: this.head(), status: this.status, message: this.message,
    };
  }
}

/** Where a content should be read from, given what the store knows. */
export interface StartDecision {
  readonly start: SourceStart;
  readonly resumed: KnownSource | null;
  /** Stored sources whose head matched but whose resume point did not: the input is read as new. */
  readonly mismatched: readonly KnownSource[];
}

/** A content as a reader sees it before reading on: its head and a way to read the bytes before a resume point. */
export interface ContentProbe {
  readonly head: Uint8Array;
  /** Size of a plain file, or null when unknown before reading (gzip, stdin). */
  readonly size: number | null;
  readonly mtimeMs: number | null;
  /** The bytes at [position, position + length) of a plain content; null when it cannot be read that way (gzip). */
  readonly readAt: ((position: number, length: number) => Promise<Uint8Array>) | null;
}

export interface Pipeline {
  readonly store: IngestStore;
  /** Sources the store holds lines of, by id, with where they stand (kept up to date as rows are stored). */
  readonly known: Map<number, KnownSource>;
  /** Where a new content should be read from: the stored source it continues (checked by its resume point), or its start. */
  decideStart(probe: ContentProbe): Promise<StartDecision>;
  /** A content read from its start as a new source, `mismatched` being the stored ones it looked like. */
  freshStart(mtimeMs: number | null, mismatched: readonly KnownSource[]): StartDecision;
  /** Reloads what the store knows after a rollback. */
  reloadKnown(): Promise<void>;
  /** Starts reading a content: a new source row, or the stored one it continues. */
  open(path: string, compressed: boolean, head: () => Uint8Array | null, decision: StartDecision): Promise<OpenInput>;
  /** Queues a request for `input`; waits while too many are in flight. */
  send(input: OpenInput, request: DecodeRequest): Promise<void>;
  /** Sends `bytes` of `input`. */
  bytes(input: OpenInput, bytes: Uint8Array): Promise<void>;
  /** The input ended (see DecodeRequest 'end'): `final` unless it goes on (an idle followed file). */
  end(input: OpenInput, how: EndHow, final?: boolean): Promise<void>;
  /** Forget the names handed out so far, on the worker and then in the store (live bounds them). */
  forgetNames(): Promise<void>;
  /**
   * Commits the rows stored so far with the positions of the inputs that moved; then runs `after`, if given, with
   * no transaction open on the store's connection (a CHECKPOINT needs that).
   */
  commit(inputs: Iterable<OpenInput>, after?: () => Promise<void>): Promise<void>;
  /** Runs `fn` alone on the store's connection (one statement at a time). */
  exclusive<T>(fn: () => Promise<T> | T): Promise<T>;
  /** Lines that were sent and not stored yet. */
  readonly queuedRequests: number;
  /** Stops the store loop once every reply was taken, and ends the worker. */
  close(): Promise<void>;
}

export interface PipelineHooks {
  /** After each reply of an input is stored (the policy may commit; the store loop waits for it). */
  readonly onStored?: (input: OpenInput, reply: DecodeReply) => Promise<void> | void;
}

export async function startPipeline(store: IngestStore, options: PipelineOptions, hooks: PipelineHooks = {}): Promise<Pipeline> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const seed = { parser: parserOptionsOf(options), maxLineBytes, names: store.nameEntries(), alignRows: options.alignRows ?? 0, sessionRows: store.sessionRows };
  const decoder: Decoder = options.parseOn === 'main' ? decodeOnMainThread(seed) : decodeInWorker(seed);
  const known = new Map((await store.knownSources()).map((k) => [k.sourceId, k] as const));
  /** What each request sent was for, in order. */
  const sent: ({ input: OpenInput; op: DecodeRequest['op'] } | { input: null; op: 'forget-names'; done: () => void })[] = [];
  let nextKey = 1;
  let wakeStore: (() => void) | null = null;
  let wakeReaders: (() => void)[] = [];
  let failure: Error | null = null;
  let closing = false;

  // One statement at a time on the store's connection.
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T> | T): Promise<T> => {
    const run = tail.then(fn, fn) as Promise<T>;
    tail = run.then(() => undefined, () => undefined);
    return run;
  };

  async function apply(entry: (typeof sent)[number], reply: DecodeReply): Promise<void> {
    if (entry.input === null) {
      // Every row with the old ids is stored: the store forgets them too, and drops the unused ones.
      await store.forgetNames();
      entry.done();
      return;
    }
    const input = entry.input;
    if (entry.op !== 'open' && (reply.lines > 0 || reply.names.length > 0)) {
      await store.begin();
      if (reply.widest > LONG_TEXT_CHARS) await store.allowLongText();
      store.addEncoded(reply, input.sourceId);
      input.lines += reply.lines;
      input.skipped += reply.skipped;
      addCounts(input, reply.counts);
      input.offset = reply.endOffset;
      input.tail = reply.tail;
      input.insideLine = reply.insideLine;
      input.linesSinceCommit += reply.lines;
      input.charsSinceCommit += reply.chars;
      input.dirty = true;
      const k = known.get(input.sourceId);
      if (k) {
        // A later content of this run may continue it: it is known as far as it is stored.
        known.set(input.sourceId, {
          ...k, lines: input.linesBefore + input.lines, offset: input.offset, tailHash: hashBytes(input.tail), tailBytes: input.tail.length,
          insideLine: input.insideLine,
        });
      }
    }
  }

  const storeLoop = (async () => {
    for (;;) {
      const entry = sent[0];
      if (!entry) {
        if (closing) return;
        await new Promise<void>((resolve) => (wakeStore = resolve));
        continue;
      }
      const reply = await decoder.next();
      // The request's last reply (a request may have several: see DecodeReply.more).
      const last = !reply.more;
      if (last) sent.shift();
      await exclusive(() => apply(entry, reply));
      if (entry.input && entry.op !== 'open') await hooks.onStored?.(entry.input, reply);
      if (entry.input && last) entry.input.tookReply();
      for (const wake of wakeReaders.splice(0)) wake();
      // Let timers, keys and renders run between turns.
      if (sent.length === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  })().catch((error: unknown) => {
    failure = error as Error;
    for (const entry of sent.splice(0)) {
      if (entry.input) {
        entry.input.inFlight = 1;
        entry.input.tookReply();
      } else entry.done();
    }
    for (const wake of wakeReaders.splice(0)) wake();
  });

  function enqueue(entry: (typeof sent)[number], request: DecodeRequest): void {
    if (failure) throw failure;
    decoder.send(request);
    sent.push(entry);
    if (entry.input) entry.input.inFlight++;
    wakeStore?.();
    wakeStore = null;
  }

  async function send(input: OpenInput, request: DecodeRequest): Promise<void> {
    // Backpressure: reading waits for the store (never for the screens).
    while (decoder.pending >= MAX_IN_FLIGHT && !failure) await new Promise<void>((resolve) => wakeReaders.push(resolve));
    enqueue({ input, op: request.op }, request);
  }

  const freshStart = (mtimeMs: number | null, mismatched: readonly KnownSource[]): StartDecision => ({
    start: { firstLineNo: 1, offset: 0, insideLine: false, tail: new Uint8Array(0), referenceDateMs: mtimeMs, skipLines: 0 },
    resumed: null,
    mismatched,
  });

  async function decideStart(probe: ContentProbe): Promise<StartDecision> {
    const candidates = headMatches(probe.head, known.values());
    const mismatched: KnownSource[] = [];
    for (const k of candidates) {
      if (k.offset === null) {
        // Stored before resume points were kept: its lines are counted again and skipped, as then.
        return {
          start: { firstLineNo: 1, offset: 0, insideLine: false, tail: new Uint8Array(0), referenceDateMs: probe.mtimeMs, skipLines: k.lines },
          resumed: k,
          mismatched,
        };
      }
      if (!probe.readAt) {
        // A gzip: checked while it is decompressed (see readFile's check); the furthest candidate only.
        return { start: resumeAt(k, new Uint8Array(0), probe.mtimeMs), resumed: k, mismatched };
      }
      if (probe.size !== null && k.offset > probe.size) {
        mismatched.push(k);
        continue;
      }
      const tailBytes = await probe.readAt(k.offset - k.tailBytes, k.tailBytes);
      if (tailMatches(k, tailBytes)) return { start: resumeAt(k, tailBytes, probe.mtimeMs), resumed: k, mismatched };
      mismatched.push(k);
    }
    return freshStart(probe.mtimeMs, mismatched);
  }

  async function open(path: string, compressed: boolean, head: () => Uint8Array | null, decision: StartDecision): Promise<OpenInput> {
    const sourceId = await exclusive(async () =>
      decision.resumed ? decision.resumed.sourceId : store.newSource({ path, compressed, head: head() }),
    );
    const first = head();
    if (!decision.resumed && first?.length) {
      known.set(sourceId, {
        sourceId, path, fingerprint: hashBytes(first), fingerprintBytes: first.length, lines: 0, offset: 0, tailHash: hashBytes(new Uint8Array(0)),
        tailBytes: 0, insideLine: false,
      });
    }
    const input = new OpenInput(nextKey++, sourceId, path, compressed, head, decision.start, decision.resumed);
    await send(input, { op: 'open', source: input.key, start: decision.start });
    return input;
  }

  return {
    store,
    known,
    decideStart,
    freshStart,
    async reloadKnown() {
      const rows = await exclusive(() => store.knownSources());
      known.clear();
      for (const k of rows) known.set(k.sourceId, k);
    },
    open,
    send,
    bytes: async (input, bytes) => {
      // Nothing to split (and a buffer already moved to the worker reads as empty: it is never sent twice).
      if (bytes.length === 0) return;
      input.bytesRead += bytes.length;
      await send(input, { op: 'bytes', source: input.key, bytes });
    },
    end: (input, how, final = true) => send(input, { op: 'end', source: input.key, how, final }),
    async forgetNames() {
      let done!: () => void;
      const stored = new Promise<void>((resolve) => (done = resolve));
      enqueue({ input: null, op: 'forget-names', done }, { op: 'forget-names' });
      await stored;
    },
    async commit(inputs, after) {
      if (failure) throw failure;
      const moved = [...inputs].filter((i) => i.dirty);
      await exclusive(async () => {
        await store.commit(moved.map((i) => i.position()));
        for (const i of moved) {
          i.dirty = false;
          i.linesSinceCommit = 0;
          i.charsSinceCommit = 0;
        }
        await after?.();
      });
    },
    exclusive,
    get queuedRequests() {
      return sent.length;
    },
    async close() {
      closing = true;
      wakeStore?.();
      wakeStore = null;
      await storeLoop;
      await decoder.close();
      if (failure) throw failure;
    },
  };

  function resumeAt(k: KnownSource, tailBytes: Uint8Array, mtimeMs: number | null): SourceStart {
    return { firstLineNo: k.lines + 1, offset: k.offset ?? 0, insideLine: k.insideLine, tail: tailBytes, referenceDateMs: mtimeMs, skipLines: 0 };
  }
}

/** The first error the store loop met, re-thrown where the readers can see it. */
export class PipelineError extends Error {}
