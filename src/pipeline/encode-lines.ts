/**
 * Blocks of lines → the rows they become, encoded for the store: sessions as columns (typed arrays that move
 * between threads without a copy, a session's evidence line among them), events, rejects and the evidence lines
 * kept byte for byte as plain values. It runs on the parse
 * worker (or, where asked, on the main thread): one encoder per pipeline, one parser per source.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import type { LineBlock, LineIssue } from '../input/split-lines.js';
import type { EventRecord } from '../parse/formats/events.js';
import type { LineParser } from '../parse/parse-line.js';
import type { SessionRecord } from '../parse/session-record.js';
import type { EncodedEvent, EncodedEvidence, EncodedReject, EncodedRows } from '../store/ingest-store.js';
import { NameDictionary } from '../store/name-dictionary.js';
import { SessionEncoder, type EncodedSessions, type SessionMeta } from '../store/session-columns.js';
import { isEvidence, storeLine, type LineCounts, type LineSink } from './store-line.js';

/** The rows of one block of lines, and what the pipeline counts of it. */
export interface EncodedLines extends EncodedRows {
  /** Lines in this block. */
  readonly lines: number;
  /** The length of these lines (UTF-16 code units): what the store will hold of them, roughly. */
  readonly chars: number;
  /** The length of the longest of these lines (UTF-16 code units). */
  readonly widest: number;
  readonly counts: LineCounts;
  /** The newest log timestamp among these lines (ms since the epoch, UTC), NaN when none has one. */
  readonly latestTsMs: number;
}

const EMPTY_COUNTS = (): LineCounts => ({ sessions: 0, events: 0, rejects: 0, blank: 0 });

/**
 * Where LineEncoder.encode may stop early: before the first line from index `fromLine` on once `sessions` sessions are
 * encoded (Infinity: never).
 */
export interface EncodeStop {
  readonly sessions: number;
  readonly fromLine: number;
}

/** Encodes blocks of lines; the name dictionary lives as long as it, each source brings its own parser. */
export class LineEncoder implements LineSink {
  private readonly sessions: SessionEncoder;
  private out!: { sessions: EncodedSessions[]; evidence: EncodedEvidence[]; events: EncodedEvent[]; rejects: EncodedReject[] };

  constructor(
    private readonly names: NameDictionary,
    private readonly maxLineBytes: number,
  ) {
    this.sessions = new SessionEncoder(names);
  }

  /**
   * The rows of `block`, whose first line is line number `firstLineNo` of its source; or of its first lines only,
   * where `stop` says (EncodedLines.lines tells how many).
   */
  encode(block: LineBlock, parser: LineParser, firstLineNo: number, stop: EncodeStop): EncodedLines {
    this.out = { sessions: [], evidence: [], events: [], rejects: [] };
    const counts = EMPTY_COUNTS();
    const { bytes, starts, ends, notes } = block;
    let noteAt = 0;
    let chars = 0;
    let widest = 0;
    let latestTsMs = Number.NaN;
    // Pure ASCII (most logs): lines may be read from their bytes (LineParser.parseBytes), a string made only of
    // what is kept.
    const ascii = block.utf8 && block.count > 0 && isAscii(bytes.subarray(starts[0]!, ends[block.count - 1]!));
    let count = block.count;
    for (let i = 0; i < count; i++) {
      if (counts.sessions >= stop.sessions && i >= stop.fromLine) {
        count = i;
        break;
      }
      const start = starts[i]!;
      const end = ends[i]!;
      if (ascii && (noteAt >= notes.length || notes[noteAt]!.index !== i)) {
        const fast = parser.parseBytes(bytes.subarray(start, end));
        if (fast !== null && fast.kind === 'session') {
          const rec = fast.session;
          const lineNo = firstLineNo + i;
          chars += end - start;
          if (end - start > widest) widest = end - start;
          this.addSession(rec, { sourceId: 0, lineNo, tsMs: fast.tsMs, host: fast.envelope.host, pid: fast.envelope.pid, invalidUtf8: false },
            isEvidence(rec) ? bytes.toString('latin1', start, end) : null, null);
          counts.sessions++;
          if (!Number.isNaN(fast.tsMs) && !(fast.tsMs <= latestTsMs)) latestTsMs = fast.tsMs;
          continue;
        }
      }
      let issue: LineIssue | null = null;
      let partial = false;
      let rawEnd = end;
      while (noteAt < notes.length && notes[noteAt]!.index === i) {
        const note = notes[noteAt++]!;
        if (note.issue === 'partial') partial = true;
        // A line has one issue the store records; a continuation or damage outranks its length.
        else if (issue === null || note.issue === 'continuation' || note.issue === 'damaged') issue = note.issue;
        if (note.rawEnd !== undefined) rawEnd = note.rawEnd;
      }
      const line = bytes.toString('utf8', start, end);
      let exact: Buffer | null = null;
      if (issue === 'too_long') exact = Buffer.from(bytes.subarray(start, rawEnd));
      else if (!block.utf8 && !isUtf8(bytes.subarray(start, end))) {
        issue ??= 'invalid_utf8';
        exact = Buffer.from(bytes.subarray(start, end));
      }
      chars += line.length;
      if (line.length > widest) widest = line.length;
      const outcome = storeLine(this, parser, counts, firstLineNo + i, line, issue, exact, partial, this.maxLineBytes);
      // (latestTsMs NaN: any timestamp is newer.)
      if (outcome && outcome.kind !== 'blank' && !Number.isNaN(outcome.tsMs) && !(outcome.tsMs <= latestTsMs)) latestTsMs = outcome.tsMs;
    }
    if (this.sessions.rows > 0) this.out.sessions.push(this.sessions.take());
    return { lines: count, chars, widest, counts, latestTsMs, names: this.names.takePending(), ...this.out };
  }

  /** Forgets the names handed out so far (rows encoded from now on bring theirs again, with new ids). */
  forgetNames(): void {
    this.sessions.forgetNames();
  }

  addSession(rec: SessionRecord, meta: SessionMeta, evidence: string | null, bytes: Uint8Array | null): void {
    // The evidence line goes in the session's row, unless its exact bytes must be kept too (raw_line_rows).
    const inRow = bytes === null ? evidence : null;
    if (this.sessions.add(rec, meta, inRow)) this.out.sessions.push(this.sessions.take());
    if (evidence !== null && inRow === null) this.out.evidence.push({ lineNo: meta.lineNo, raw: evidence, bytes });
  }

  addEvent(lineNo: number, tsMs: number, host: string | null, pid: number, event: EventRecord, bytes: Uint8Array | null, raw: string): void {
    this.out.events.push({ lineNo, tsMs, host, pid, event, raw, bytes });
  }

  addReject(lineNo: number, tsMs: number, reason: string, detail: string | null, raw: string, bytes: Uint8Array | null): void {
    this.out.rejects.push({ lineNo, tsMs, reason, detail, raw, bytes });
  }
}

/** A new encoder whose ids extend the store's names (given as [id, value]). */
export function seededEncoder(names: readonly (readonly [number, string])[], maxLineBytes: number): LineEncoder {
  const dictionary = new NameDictionary();
  dictionary.load(names);
  return new LineEncoder(dictionary, maxLineBytes);
}

/** The buffers of `lines` that can move to another thread instead of being copied. */
export function transferables(lines: EncodedRows): ArrayBuffer[] {
  return lines.sessions.flatMap((s) => [s.ints.buffer, s.doubles.buffer, ...s.texts.map((t) => t.lengths.buffer)]);
}
