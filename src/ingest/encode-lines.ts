/**
 * A batch of read lines → the rows they become, encoded for the store: sessions as columns (typed arrays that
 * move between threads without a copy), events, rejects and evidence lines as plain values. The same code runs
 * on the ingest worker and, for stdin, on the main thread, so both paths count and store every line alike.
 */
import type { LineBatch, LineNote } from '../input/read-lines.js';
import type { EventRecord } from '../parse/formats/events.js';
import { createLineParser, type LineParser, type LineParserOptions } from '../parse/parse-line.js';
import type { SessionRecord } from '../parse/session-record.js';
import type { EncodedEvent, EncodedEvidence, EncodedReject, EncodedRows } from '../store/ingest-store.js';
import { NameDictionary } from '../store/name-dictionary.js';
import { SessionEncoder, type EncodedSessions, type SessionMeta } from '../store/session-columns.js';
import { storeLine, type LineCounts, type LineSink } from './store-line.js';

/** The rows of one batch of lines, and what the ingest counts of it. */
export interface EncodedLines extends EncodedRows {
  /** Lines read in this batch, skipped ones (stored by an earlier run) included. */
  readonly lines: number;
  readonly skipped: number;
  /** The length of these lines (UTF-16 code units): what the store will hold of them, roughly. */
  readonly chars: number;
  /** The length of the longest of these lines (UTF-16 code units). */
  readonly widest: number;
  readonly counts: LineCounts;
  /** Whether the input is gzip (known once its first bytes are read). */
  readonly compressed: boolean;
  /** The newest log timestamp among these lines (ms since the epoch, UTC), NaN when none has one. */
  readonly latestTsMs: number;
}

/** What an encoder off the store needs (structured-cloneable, so it can be a worker's workerData). */
export interface EncoderSeed {
  readonly parser: LineParserOptions;
  readonly maxLineBytes: number;
  /** The store's names as [id, value], so that ids handed out here extend the store's. */
  readonly names: [number, string][];
}

/** An encoder with its own parser and a copy of the store's names; lines up to `skip` are counted, not parsed. */
export function seededEncoder(seed: EncoderSeed, skip = 0): LineEncoder {
  const names = new NameDictionary();
  names.load(seed.names);
  return new LineEncoder(createLineParser(seed.parser), names, seed.maxLineBytes, skip);
}

/** Encodes line batches of one input; the parser and the name dictionary live as long as it. */
export class LineEncoder implements LineSink {
  private readonly sessions: SessionEncoder;
  private out!: { sessions: EncodedSessions[]; evidence: EncodedEvidence[]; events: EncodedEvent[]; rejects: EncodedReject[] };

  constructor(
    private readonly parser: LineParser,
    private readonly names: NameDictionary,
    private readonly maxLineBytes: number,
    /** Lines an earlier run already stored (the resume offset): counted, not parsed. */
    private readonly skip: number,
  ) {
    this.sessions = new SessionEncoder(names);
  }

  encode(batch: LineBatch, compressed: boolean): EncodedLines {
    this.out = { sessions: [], evidence: [], events: [], rejects: [] };
    const counts: LineCounts = { sessions: 0, events: 0, rejects: 0, blank: 0 };
    const notes = new Map<number, LineNote>();
    for (const note of batch.notes) notes.set(note.index, note);
    const lines = batch.lines;
    let skipped = 0;
    let chars = 0;
    let widest = 0;
    let latestTsMs = Number.NaN;
    for (let i = 0; i < lines.length; i++) {
      const lineNo = batch.firstLineNo + i;
      const length = lines[i]!.length;
      chars += length;
      if (length > widest) widest = length;
      if (lineNo <= this.skip) {
        skipped++;
        continue;
      }
      const note = notes.get(i);
      const outcome = storeLine(this, this.parser, counts, 0, lineNo, lines[i]!, note?.issue ?? null, note?.issue === 'invalid_utf8' ? note.bytes : null, this.maxLineBytes);
      // (latestTsMs NaN: any timestamp is newer.)
      if (outcome && outcome.kind !== 'blank' && !Number.isNaN(outcome.tsMs) && !(outcome.tsMs <= latestTsMs)) latestTsMs = outcome.tsMs;
    }
    if (this.sessions.rows > 0) this.out.sessions.push(this.sessions.take());
    return { lines: lines.length, skipped, chars, widest, counts, compressed, latestTsMs, names: this.names.takePending(), ...this.out };
  }

  /** Forgets the names handed out so far (rows encoded from now on bring theirs again, with new ids). */
  forgetNames(): void {
    this.sessions.forgetNames();
  }

  addSession(rec: SessionRecord, meta: SessionMeta, evidence: string | null, bytes: Uint8Array | null): void {
    if (this.sessions.add(rec, meta)) this.out.sessions.push(this.sessions.take());
    if (evidence !== null) this.out.evidence.push({ lineNo: meta.lineNo, raw: evidence, bytes });
  }

  addEvent(_sourceId: number, lineNo: number, tsMs: number, host: string | null, pid: number, event: EventRecord, bytes: Uint8Array | null, raw: string): void {
    this.out.events.push({ lineNo, tsMs, host, pid, event, raw, bytes });
  }

  addReject(_sourceId: number, lineNo: number, tsMs: number, reason: string, detail: string | null, raw: string, bytes: Uint8Array | null): void {
    this.out.rejects.push({ lineNo, tsMs, reason, detail, raw, bytes });
  }
}

/** The buffers of `lines` that can move to another thread instead of being copied. */
export function transferables(lines: EncodedLines): ArrayBuffer[] {
  return lines.sessions.flatMap((s) => [s.ints.buffer, s.doubles.buffer, ...s.texts.map((t) => t.lengths.buffer)]);
}
