/**
 * Bytes as they arrive from live inputs → lines → encoded rows. One decoder serves every input of a live run
 * (each has its own line splitter and line numbers; they share the parser and the name dictionary). It runs on
 * the live worker (src/ingest/follow-worker.ts) or, where no worker can start, on the main thread.
 *
 * readLines() is not used here: it hands lines over in batches of 2048, so a slow `tail -f` would sit in its buffer.
 */
import { isUtf8 } from 'node:buffer';
import type { LineNote } from '../input/read-lines.js';
import { seededEncoder, type EncodedLines, type EncoderSeed, type LineEncoder } from './encode-lines.js';

/** One line cut from the byte stream, as readLines notes it. */
export interface PendingLine {
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
    let b = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.length);
    if (!this.overflow && b.length > 0 && b[b.length - 1] === 13) b = b.subarray(0, b.length - 1);
    const valid = isUtf8(b);
    const text = b.toString('utf8');
    out.push(this.overflow ? { text, issue: 'too_long', bytes: null } : valid ? { text, issue: null, bytes: null } : { text, issue: 'invalid_utf8', bytes: Buffer.from(b) });
    this.reset();
  }
}

/** Everything a chunk decoder needs; structured-cloneable, so it can be a worker's workerData. */
export type DecoderOptions = EncoderSeed;

/** What the live follower asks of a decoder, for input number `input`. */
export type DecodeRequest =
  | { readonly input: number; readonly chunk: Uint8Array }
  /** The input ended: its unfinished last line is a line. */
  | { readonly input: number; readonly end: true }
  /** The input was truncated in place: forget its unfinished line. */
  | { readonly input: number; readonly reset: true }
  /** Forget the names handed out so far (live bounds the name dictionary; see followInputs). */
  | { readonly input: number; readonly forgetNames: true };

export class ChunkDecoder {
  private readonly encoder: LineEncoder;
  private readonly splitters = new Map<number, LineSplitter>();
  private readonly lineCounts = new Map<number, number>();

  constructor(private readonly options: DecoderOptions) {
    this.encoder = seededEncoder(options);
  }

  /** The rows of the lines `request` completes (none for a reset), numbered per input from 1. */
  decode(request: DecodeRequest): EncodedLines {
    if ('forgetNames' in request) {
      // Every row encoded before this reply carries the old ids; every later one brings its names anew.
      const none = this.encoder.encode({ firstLineNo: 1, lines: [], notes: [] }, false);
      this.encoder.forgetNames();
      return none;
    }
    let splitter = this.splitters.get(request.input);
    if (!splitter) this.splitters.set(request.input, (splitter = new LineSplitter(this.options.maxLineBytes)));
    const pending: PendingLine[] = [];
    if ('chunk' in request) {
      const chunk = request.chunk;
      splitter.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength), pending);
    } else if ('end' in request) splitter.end(pending);
    else splitter.reset();
    const firstLineNo = (this.lineCounts.get(request.input) ?? 0) + 1;
    this.lineCounts.set(request.input, firstLineNo - 1 + pending.length);
    const notes: LineNote[] = [];
    pending.forEach((p, index) => {
      if (p.issue) notes.push({ index, issue: p.issue, bytes: p.bytes });
    });
    return this.encoder.encode({ firstLineNo, lines: pending.map((p) => p.text), notes }, false);
  }
}
