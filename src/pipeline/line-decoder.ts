/**
 * What the parse worker does with each request of the pipeline, in order: bytes of a source → lines (the one
 * splitter) → parsed and encoded rows, with where the source may be resumed. Pure apart from its state, so it
 * runs on the worker thread (parse-worker.ts) or, where asked, on the main thread: both store the same rows.
 */
import { firstCut, LineSplitter, resumeAfter, type LineBlock } from '../input/split-lines.js';
import { createLineParser, type LineParser, type LineParserOptions } from '../parse/parse-line.js';
import { seededEncoder, type EncodedLines, type LineEncoder } from './encode-lines.js';

/** Everything a decoder needs; structured-cloneable, so it can be a worker's workerData. */
export interface DecoderSeed {
  readonly parser: LineParserOptions;
  readonly maxLineBytes: number;
  /** The store's names as [id, value], so that ids handed out here extend the store's. */
  readonly names: [number, string][];
  /**
   * Cut replies where the sessions stored, counting the `sessionRows` the store held before, make a whole number of
   * `alignRows` (DuckDB's row groups: see DecodeReply.boundary); 0: never.
   */
  readonly alignRows: number;
  readonly sessionRows: number;
}

/** Where a source starts: its first line's number and, when resumed, its offset and the bytes before it. */
export interface SourceStart {
  readonly firstLineNo: number;
  readonly offset: number;
  /** The bytes before `offset` end inside a line stored as partial: the first bytes up to a newline are its rest. */
  readonly insideLine: boolean;
  readonly tail: Uint8Array;
  /** For year-less syslog stamps before any full date (the file's modification time), ms since the epoch. */
  readonly referenceDateMs: number | null;
  /** An input resumed by a store written before offsets were kept: its first lines are counted, not stored. */
  readonly skipLines: number;
}

export type EndHow = 'eof' | 'partial' | 'damaged';

export type DecodeRequest =
  | { readonly op: 'open'; readonly source: number; readonly start: SourceStart }
  | { readonly op: 'bytes'; readonly source: number; readonly bytes: Uint8Array }
  /**
   * `eof`: the input ended, its unfinished last line is a line; `partial`: idle or stopping while following, the
   * unfinished line is stored as partial; `damaged`: a broken compressed input, the unfinished tail is a fragment,
   * never parsed. `final`: the source is done with (else it goes on: an idle followed file).
   */
  | { readonly op: 'end'; readonly source: number; readonly how: EndHow; readonly final: boolean }
  /** Forget the names handed out so far (live bounds the name dictionary). */
  | { readonly op: 'forget-names' };

/** The rows of a request's lines, and where its source stands after them. */
export interface DecodeReply extends EncodedLines {
  readonly source: number;
  /** Lines counted but not stored (skipLines of a legacy resume). */
  readonly skipped: number;
  /** See LineBlock.endOffset and LineBlock.tail. */
  readonly endOffset: number;
  readonly tail: Uint8Array;
  /** The source's unfinished line was stored as partial: its rest, if it comes, is a continuation. */
  readonly insideLine: boolean;
  /** Another reply to the same request follows (a request's lines may be cut where `boundary` falls). */
  readonly more: boolean;
  /**
   * The sessions encoded up to this reply's end (with those the store held before) fill a whole number of
   * DecoderSeed.alignRows: committed here, the session table ends on a row-group boundary. A commit that ends
   * inside a row group makes DuckDB append the next transaction's rows one by one into it and drop the row groups
   * it had already written for them: time spent twice and free blocks left in the file.
   */
  readonly boundary: boolean;
}

interface SourceState {
  readonly splitter: LineSplitter;
  readonly parser: LineParser;
  nextLineNo: number;
  skipLines: number;
}

export class LineDecoder {
  private readonly encoder: LineEncoder;
  private readonly sources = new Map<number, SourceState>();
  /** Sessions to encode before the next boundary (see DecodeReply.boundary). */
  private untilBoundary: number;

  constructor(private readonly seed: DecoderSeed) {
    this.encoder = seededEncoder(seed.names, seed.maxLineBytes);
    this.untilBoundary = seed.alignRows > 0 ? seed.alignRows - (seed.sessionRows % seed.alignRows) : Number.POSITIVE_INFINITY;
  }

  /** The replies to a request, in order: one, or more when its lines were cut at a boundary. */
  decode(request: DecodeRequest): DecodeReply[] {
    if (request.op === 'forget-names') {
      // Every row encoded before this reply carries the old ids; every later one brings its names anew.
      this.encoder.forgetNames();
      return this.reply(-1, null, null);
    }
    if (request.op === 'open') {
      const { start } = request;
      this.sources.set(request.source, {
        splitter: new LineSplitter(this.seed.maxLineBytes, start.offset, start.insideLine, start.tail),
        parser: createLineParser({ ...this.seed.parser, ...(start.referenceDateMs !== null ? { referenceDate: new Date(start.referenceDateMs) } : {}) }),
        nextLineNo: start.firstLineNo,
        skipLines: start.skipLines,
      });
      return this.reply(request.source, null, null);
    }
    const state = this.sources.get(request.source);
    if (!state) throw new Error(`source ${request.source} was not opened`);
    let block: LineBlock;
    if (request.op === 'bytes') block = state.splitter.push(request.bytes);
    else if (request.how === 'eof') block = state.splitter.end();
    else if (request.how === 'partial') block = state.splitter.flushPartial();
    else block = state.splitter.endDamaged();
    if (request.op === 'end' && request.final) this.sources.delete(request.source);
    return this.reply(request.source, state, block);
  }

  private reply(source: number, state: SourceState | null, block: LineBlock | null): DecodeReply[] {
    const empty: EncodedLines = {
      lines: 0, chars: 0, widest: 0, counts: { sessions: 0, events: 0, rejects: 0, blank: 0 }, latestTsMs: Number.NaN, names: [], sessions: [], evidence: [],
      events: [], rejects: [],
    };
    const alone = { source, more: false, boundary: false };
    if (!state || !block) return [{ ...empty, ...alone, skipped: 0, endOffset: 0, tail: new Uint8Array(0), insideLine: false }];
    const end = { endOffset: block.endOffset, tail: block.tail, insideLine: state.splitter.insideLine };
    // A legacy resume: the first lines were stored by an earlier run that kept only their count.
    const skipped = Math.min(state.skipLines, block.count);
    state.skipLines -= skipped;
    if (skipped === block.count) return [{ ...empty, ...alone, lines: skipped, skipped, ...end }];
    const replies: DecodeReply[] = [];
    let rest = skipped ? dropLines(block, skipped) : block;
    let lineNo = state.nextLineNo + skipped;
    state.nextLineNo += block.count;
    for (;;) {
      const rows = this.encoder.encode(rest, state.parser, lineNo, { sessions: this.untilBoundary, fromLine: firstCut(rest) });
      // Past the boundary only where no cut could be told exactly (see resumeAfter): the next one stays in step.
      this.untilBoundary -= rows.counts.sessions;
      const boundary = this.untilBoundary === 0;
      if (this.untilBoundary <= 0) this.untilBoundary = this.seed.alignRows - (-this.untilBoundary % this.seed.alignRows);
      const first = replies.length === 0 ? skipped : 0;
      if (rows.lines === rest.count) {
        replies.push({ ...rows, lines: rows.lines + first, source, skipped: first, ...end, more: false, boundary });
        return replies;
      }
      // The encoder stops only where firstCut allows, so the point is known; never guessed.
      const cut = resumeAfter(rest, rows.lines);
      if (cut === null) throw new Error(`internal error: lines cut at ${rows.lines} of ${rest.count} where no resume point is known`);
      replies.push({ ...rows, lines: rows.lines + first, source, skipped: first, endOffset: cut.endOffset, tail: cut.tail, insideLine: false, more: true, boundary });
      lineNo += rows.lines;
      rest = dropLines(rest, rows.lines);
    }
  }
}

/** `block` without its first `n` lines. */
function dropLines(block: LineBlock, n: number): LineBlock {
  return {
    ...block,
    count: block.count - n,
    starts: block.starts.subarray(n),
    ends: block.ends.subarray(n),
    notes: block.notes.filter((note) => note.index >= n).map((note) => ({ ...note, index: note.index - n })),
  };
}
