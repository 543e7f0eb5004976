/**
 * The one line splitter: bytes as they come (any chunking) → complete lines, in bounded memory. Every source
 * goes through it, a file read to its end as a followed file or stdin.
 *
 * - A line ends at `\n`; one trailing `\r` is stripped (CRLF files).
 * - A line over the cap keeps its first `cap` bytes (cut back to a character boundary for its text) and the rest
 *   is skipped up to its newline: never buffered whole.
 * - Lines are handed over as offsets into one buffer (LineBlock), so that a parser can read bytes without making a
 *   string of every line; UTF-8 is checked, and a line that is not valid UTF-8 is noted (its bytes kept exact).
 * - The unfinished last line is held until its newline, the end of the input (`end`: a last line without a
 *   newline still counts), or an idle timeout or stop while following (`flushPartial`: stored as partial; the rest
 *   of that line, if it comes, is noted as a continuation).
 */
import { isUtf8 } from 'node:buffer';

export type LineIssue =
  /** Longer than the cap: only its first bytes are kept (`bytes`), the rest was skipped. */
  | 'too_long'
  /** Not valid UTF-8: decoded lossily; `bytes` holds it exactly. */
  | 'invalid_utf8'
  /** Stored before its newline came (idle timeout, or the reader stopped): it may be incomplete. */
  | 'partial'
  /** The rest of a line stored as partial before. */
  | 'continuation'
  /** The fragment after the damage of a broken compressed input: not a line HAProxy wrote, never parsed. */
  | 'damaged';

export interface LineNote {
  /** Index of the line in its block. */
  readonly index: number;
  readonly issue: LineIssue;
  /** too_long: end of the first `cap` bytes of the line as read (its text ends earlier, on a character boundary). */
  readonly rawEnd?: number;
}

/** Complete lines, as [starts[i], ends[i]) in `bytes` (no newline, no trailing \r). */
export interface LineBlock {
  readonly bytes: Buffer;
  readonly count: number;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** Lines with an issue, in index order (most blocks have none). */
  readonly notes: readonly LineNote[];
  /** Whether every line of the block is valid UTF-8 (checked once for the block). */
  readonly utf8: boolean;
  /**
   * The source offset (bytes from its start) just after the last line this block completes: where a later
   * reader resumes without reading a line twice or skipping one.
   */
  readonly endOffset: number;
  /**
   * The source's bytes just before endOffset, exactly as read (up to TAIL_BYTES; fewer at its start, or after an
   * over-long line whose middle was skipped): what a later reader checks before it resumes there.
   */
  readonly tail: Buffer;
  /**
   * From this index of `bytes` on, the bytes are the source's as read, the one at exactFrom being at source offset
   * exactFromOffset (before it lie held bytes, of which an over-long line may have lost some); -1 when no part of
   * the block is known that way. What resumeAfter needs to cut a block between two of its lines.
   */
  readonly exactFrom: number;
  readonly exactFromOffset: number;
}

/** How many bytes before a resume point identify it. */
export const TAIL_BYTES = 1024;

const EMPTY = Buffer.alloc(0);
const NO_LINES = { bytes: EMPTY, count: 0, starts: new Int32Array(0), ends: new Int32Array(0), notes: [], utf8: true, exactFrom: -1, exactFromOffset: 0 } as const;

/** Where a reader may resume: the source offset, and the bytes just before it (see LineBlock.endOffset and tail). */
export interface ResumePoint {
  readonly endOffset: number;
  readonly tail: Buffer;
}

/**
 * The resume point after the first `n` lines of `block` (0 < n < block.count), as if the block had ended there; null
 * when the block cannot tell it exactly (the next line starts less than TAIL_BYTES after the block's exact bytes
 * begin). Line n starts just after the newline that ends line n - 1, so that is the offset.
 */
export function resumeAfter(block: LineBlock, n: number): ResumePoint | null {
  if (n <= 0 || n >= block.count || block.exactFrom < 0) return null;
  const at = block.starts[n]!;
  if (at - TAIL_BYTES < block.exactFrom) return null;
  return { endOffset: block.exactFromOffset + (at - block.exactFrom), tail: Buffer.from(block.bytes.subarray(at - TAIL_BYTES, at)) };
}

/** The smallest n for which resumeAfter(block, n) is known (block.count when there is none). */
export function firstCut(block: LineBlock): number {
  if (block.exactFrom < 0) return block.count;
  let n = 1;
  while (n < block.count && block.starts[n]! - TAIL_BYTES < block.exactFrom) n++;
  return n;
}

/** Where to cut a line of UTF-8 at most `cap` bytes long so that no character is split (back over continuation bytes). */
export function utf8Boundary(bytes: Uint8Array, start: number, cap: number): number {
  let cut = start + cap;
  // A continuation byte (10xxxxxx) at the cut belongs to a character that starts before it.
  for (let back = 0; back < 3 && cut > start && (bytes[cut]! & 0xc0) === 0x80; back++) cut--;
  return cut;
}

export class LineSplitter {
  /** Bytes of the unfinished line (at most cap + 1), in the pieces they came in (joined when the line is). */
  private carryParts: Buffer[] = [];
  private carryLength = 0;
  /** The unfinished line continues one already stored as partial. */
  private continuation = false;
  /** Source offset after the last byte pushed. */
  private offset: number;

  constructor(
    private readonly cap: number,
    /** Where the source is read from (a resumed input starts past its stored lines). */
    startOffset = 0,
    /** The bytes before `startOffset` end inside a line that was stored as partial. */
    startsInsideLine = false,
    /** The source's bytes just before `startOffset`, when known (see LineBlock.tail). */
    tail: Uint8Array = EMPTY,
  ) {
    this.offset = startOffset;
    this.continuation = startsInsideLine;
    this.tail = Buffer.from(tail.subarray(Math.max(0, tail.length - TAIL_BYTES)));
  }

  /** Exact bytes of the source just before lineEnd (see LineBlock.tail). */
  private tail: Buffer;

  /** Bytes of the unfinished line dropped beyond what is held (it is longer than the cap). */
  private skipped = 0;

  /** Source offset just after the last complete line (the unfinished one is not counted). */
  get lineEnd(): number {
    return this.offset - this.carryLength - this.skipped;
  }

  /** lineEnd lies inside a line stored as partial: what comes up to the next newline is its rest. */
  get insideLine(): boolean {
    return this.continuation;
  }

  /** Bytes held for the unfinished line. */
  get holding(): number {
    return this.carryLength;
  }

  /** The held bytes as one buffer. */
  private get carry(): Buffer {
    if (this.carryParts.length > 1) this.carryParts = [Buffer.concat(this.carryParts, this.carryLength)];
    return this.carryParts[0] ?? EMPTY;
  }

  /** The complete lines of what was held and `chunk`. */
  push(chunk: Uint8Array): LineBlock {
    const input = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const blockStart = this.lineEnd;
    if (input.length === 0) return { ...NO_LINES, endOffset: blockStart, tail: this.tail };
    const inputOffset = this.offset;
    this.offset += input.length;
    const firstNl = input.indexOf(10);
    if (firstNl < 0) {
      this.hold(input, 0, input.length);
      return { ...NO_LINES, endOffset: blockStart, tail: this.tail };
    }
    // The held bytes and the chunk as one buffer (a copy only when something was held).
    const shift = this.carryLength;
    const bytes = shift ? Buffer.concat([...this.carryParts, input], shift + input.length) : input;
    const lastNl = shift + input.lastIndexOf(10);
    const starts: number[] = [];
    const ends: number[] = [];
    const notes: LineNote[] = [];
    let at = 0;
    for (let nl = shift + firstNl; nl >= 0 && nl <= lastNl; nl = bytes.indexOf(10, at)) {
      // The first line began in earlier chunks: bytes of it beyond the cap were dropped already.
      const dropped = at === 0 ? this.skipped : 0;
      const continuation = at === 0 && this.continuation;
      at = this.addLine(bytes, at, nl, nl - at + dropped, continuation, starts, ends, notes);
    }
    // The exact bytes up to the last newline: after the held ones only when none of them was dropped.
    this.keepTail(this.skipped > 0 ? input.subarray(0, lastNl - shift + 1) : bytes.subarray(0, lastNl + 1), this.skipped === 0);
    this.resetHeld();
    if (at < bytes.length) this.hold(bytes, at, bytes.length);
    return this.block(bytes, starts, ends, notes, this.lineEnd, shift, inputOffset);
  }

  private keepTail(exact: Buffer, afterTail: boolean): void {
    if (exact.length >= TAIL_BYTES || !afterTail) this.tail = Buffer.from(exact.subarray(Math.max(0, exact.length - TAIL_BYTES)));
    else {
      const joined = Buffer.concat([this.tail, exact]);
      this.tail = joined.subarray(Math.max(0, joined.length - TAIL_BYTES));
    }
  }

  /** At the end of a finished input: the unfinished line is a line (a last line without a newline counts). */
  end(): LineBlock {
    return this.takeHeld(null);
  }

  /** While following, after an idle timeout or at stop: the unfinished line is stored as partial. */
  flushPartial(): LineBlock {
    const block = this.takeHeld('partial');
    // Whatever comes next up to a newline is the rest of that line.
    if (block.count > 0) this.continuation = true;
    return block;
  }

  /** A broken compressed input: the unfinished tail is a fragment, not a line. */
  endDamaged(): LineBlock {
    return this.takeHeld('damaged');
  }

  /**
   * Adds the line bytes[at, nl) (`length` bytes as written, some maybe dropped) unless it is the empty rest of a
   * line already stored as partial (its newline only). Returns where the next line starts.
   */
  private addLine(bytes: Buffer, at: number, nl: number, length: number, continuation: boolean, starts: number[], ends: number[], notes: LineNote[]): number {
    if (continuation && length === 0) return nl + 1;
    const index = starts.length;
    let end = nl;
    if (continuation) notes.push({ index, issue: 'continuation' });
    if (length > this.cap) {
      const rawEnd = at + Math.min(this.cap, nl - at);
      end = utf8Boundary(bytes, at, rawEnd - at);
      notes.push({ index, issue: 'too_long', rawEnd });
    } else if (end > at && bytes[end - 1] === 13) end--;
    starts.push(at);
    ends.push(end);
    return nl + 1;
  }

  private takeHeld(issue: LineIssue | null): LineBlock {
    const length = this.carryLength + this.skipped;
    // Nothing held: a line stored as partial earlier may still be waiting for its rest.
    if (length === 0) return { ...NO_LINES, endOffset: this.offset, tail: this.tail };
    const bytes = this.carry;
    const continuation = this.continuation;
    // An over-long line's end was dropped: no exact bytes end where it does.
    this.keepTail(this.skipped > 0 ? EMPTY : bytes, this.skipped === 0);
    this.resetHeld();
    const starts: number[] = [];
    const ends: number[] = [];
    const notes: LineNote[] = [];
    if (issue === 'damaged') {
      // Never parsed: kept as read (at most the cap).
      starts.push(0);
      ends.push(Math.min(this.cap, bytes.length));
      notes.push({ index: 0, issue });
    } else {
      this.addLine(bytes, 0, bytes.length, length, continuation, starts, ends, notes);
      if (issue && starts.length) notes.push({ index: 0, issue });
    }
    return this.block(bytes, starts, ends, notes, this.offset);
  }

  private resetHeld(): void {
    this.carryParts = [];
    this.carryLength = 0;
    this.skipped = 0;
    this.continuation = false;
  }

  /**
   * Holds bytes[from, to) as (the start of) the unfinished line: at most cap + 1 bytes of it (one past the cap
   * tells whether the cut falls inside a character), counting the rest as skipped.
   */
  private hold(bytes: Buffer, from: number, to: number): void {
    const room = Math.max(0, this.cap + 1 - this.carryLength);
    const take = Math.min(room, to - from);
    if (take > 0) {
      // A copy: the chunk may be a reused buffer, or move to another thread.
      this.carryParts.push(Buffer.from(bytes.subarray(from, from + take)));
      this.carryLength += take;
    }
    this.skipped += to - from - take;
  }

  private block(bytes: Buffer, starts: number[], ends: number[], notes: LineNote[], endOffset: number, exactFrom = -1, exactFromOffset = 0): LineBlock {
    const count = starts.length;
    const lastEnd = count ? ends[count - 1]! : 0;
    return {
      bytes, count, starts: Int32Array.from(starts), ends: Int32Array.from(ends), notes,
      utf8: isUtf8(bytes.subarray(0, lastEnd)), endOffset, tail: this.tail, exactFrom, exactFromOffset,
    };
  }
}
