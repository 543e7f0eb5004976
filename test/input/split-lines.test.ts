/**
 * The one line splitter (RELIABILITY rows 1–6): any chunking of the same bytes gives the same lines, the same
 * resume points and the same identity bytes before them; long lines, CRLF, invalid UTF-8 and partial lines.
 */
import { describe, expect, it } from 'vitest';
import { firstCut, LineSplitter, resumeAfter, TAIL_BYTES, type LineBlock, type LineIssue } from '../../src/input/split-lines.js';

interface Line {
  readonly text: string;
  readonly issues: readonly LineIssue[];
  readonly raw?: Buffer;
}

function linesOf(block: LineBlock): Line[] {
  const out: Line[] = [];
  for (let i = 0; i < block.count; i++) {
    const notes = block.notes.filter((n) => n.index === i);
    const rawEnd = notes.find((n) => n.rawEnd !== undefined)?.rawEnd;
    out.push({
      text: block.bytes.toString('utf8', block.starts[i], block.ends[i]),
      issues: notes.map((n) => n.issue),
      ...(rawEnd !== undefined ? { raw: Buffer.from(block.bytes.subarray(block.starts[i], rawEnd)) } : {}),
    });
  }
  return out;
}

/** Splits `bytes` in chunks of the given sizes (cycled), then ends the input. */
function split(bytes: Buffer, sizes: readonly number[], cap = 64 * 1024): { lines: Line[]; offsets: number[]; tails: Buffer[] } {
  const splitter = new LineSplitter(cap);
  const lines: Line[] = [];
  const offsets: number[] = [];
  const tails: Buffer[] = [];
  let at = 0;
  for (let k = 0; at < bytes.length; k++) {
    const size = sizes[k % sizes.length]!;
    const block = splitter.push(bytes.subarray(at, at + size));
    at += size;
    lines.push(...linesOf(block));
    // Each resume point once (a chunk inside a line does not move it).
    if (offsets.at(-1) !== block.endOffset) {
      offsets.push(block.endOffset);
      tails.push(Buffer.from(block.tail));
    }
  }
  const last = splitter.end();
  lines.push(...linesOf(last));
  offsets.push(last.endOffset);
  tails.push(Buffer.from(last.tail));
  return { lines, offsets, tails };
}

/** Deterministic PRNG for the property tests. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

describe('LineSplitter', () => {
  it('splits any chunking of the same bytes into the same lines, resume points and identity bytes (CRLF, multi-byte UTF-8 across chunks)', () => {
    const random = rng(7);
    const pieces = ['GET /é', 'чат', '🙂 ok', 'plain', '', 'x'.repeat(300), 'y'.repeat(1500)];
    const expected: string[] = [];
    let text = '';
    for (let i = 0; i < 250; i++) {
      const line = `${i} ${pieces[Math.floor(random() * pieces.length)]}`;
      expected.push(line);
      text += line + (random() < 0.3 ? '\r\n' : '\n');
    }
    const bytes = Buffer.from(text);
    const newlineEnds = new Set<number>();
    for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) newlineEnds.add(i + 1);
    for (const sizes of [[1], [2], [3], [5, 1, 7], [13], [64], [1000, 3], [65536], [1 << 20]]) {
      const { lines, offsets, tails } = split(bytes, sizes);
      expect(lines.map((l) => l.text), `chunks ${sizes}`).toEqual(expected);
      expect(lines.flatMap((l) => l.issues)).toEqual([]);
      // Every resume point is just after a newline (or the start), and its identity bytes are the bytes before it.
      offsets.forEach((offset, k) => {
        expect(offset === 0 || newlineEnds.has(offset) || offset === bytes.length).toBe(true);
        expect(tails[k]).toEqual(bytes.subarray(Math.max(0, offset - TAIL_BYTES), offset));
      });
      expect(offsets.at(-1)).toBe(bytes.length);
    }
  });

  it('counts the last line without a final newline, keeps blank lines, strips exactly one trailing CR', () => {
    expect(split(Buffer.from('a\n\nb'), [100]).lines.map((l) => l.text)).toEqual(['a', '', 'b']);
    expect(split(Buffer.from('a\r\r\nb\r\n'), [1]).lines.map((l) => l.text)).toEqual(['a\r', 'b']);
    expect(split(Buffer.from(''), [1]).lines).toEqual([]);
  });

  it('cuts a 1 MB line to the cap, reports it, keeps reading, and holds no more than the cap', () => {
    const bytes = Buffer.from(`before\n${'A'.repeat(1 << 20)}\nafter\n`);
    for (const size of [4096, 65536, 1 << 20, 3 << 20]) {
      const splitter = new LineSplitter(1000);
      const lines: Line[] = [];
      for (let at = 0; at < bytes.length; at += size) {
        lines.push(...linesOf(splitter.push(bytes.subarray(at, at + size))));
        expect(splitter.holding).toBeLessThanOrEqual(1001);
      }
      lines.push(...linesOf(splitter.end()));
      expect(lines.map((l) => [l.text.length, l.issues])).toEqual([[6, []], [1000, ['too_long']], [5, []]]);
    }
  });

  it('cuts a too_long line on a character boundary and keeps the bytes as read (a cut inside é)', () => {
    // 999 ASCII bytes, then é (2 bytes) across the cap of 1000: the text ends before it, the raw bytes do not.
    const line = 'x'.repeat(999) + 'é'.repeat(10);
    for (const sizes of [[1 << 16], [999, 2], [1000], [7]]) {
      const { lines } = split(Buffer.from(`${line}\nnext\n`), sizes, 1000);
      expect(lines[0]!.text).toBe('x'.repeat(999));
      expect(lines[0]!.issues).toEqual(['too_long']);
      expect(lines[0]!.raw).toEqual(Buffer.from(line).subarray(0, 1000));
      expect(lines[1]!.text).toBe('next');
    }
  });

  it('notes a block that is not valid UTF-8, so that each of its lines is checked', () => {
    const splitter = new LineSplitter(100);
    const block = splitter.push(Buffer.concat([Buffer.from('ok\n'), Buffer.from([0x61, 0xff, 0x62, 0x0a])]));
    expect(block.utf8).toBe(false);
    expect(splitter.push(Buffer.from('é\n')).utf8).toBe(true);
  });

  it('holds a partial line until its newline; stored as partial on flush, its rest is a continuation; the resume point moves past it', () => {
    const splitter = new LineSplitter(100);
    expect(linesOf(splitter.push(Buffer.from('one\ntw')))).toEqual([{ text: 'one', issues: [] }]);
    expect(splitter.lineEnd).toBe(4);
    const partial = splitter.flushPartial();
    expect(linesOf(partial)).toEqual([{ text: 'tw', issues: ['partial'] }]);
    expect(partial.endOffset).toBe(6);
    expect(splitter.insideLine).toBe(true);
    // A second idle flush with nothing new stores nothing, and the line is still open.
    expect(splitter.flushPartial().count).toBe(0);
    expect(splitter.insideLine).toBe(true);
    expect(linesOf(splitter.push(Buffer.from('o\nthree\n')))).toEqual([{ text: 'o', issues: ['continuation'] }, { text: 'three', issues: [] }]);
    expect(splitter.insideLine).toBe(false);
  });

  it('drops the empty rest of a line stored as partial (its newline only)', () => {
    const splitter = new LineSplitter(100, 10, true);
    expect(linesOf(splitter.push(Buffer.from('\nfour\n')))).toEqual([{ text: 'four', issues: [] }]);
    expect(splitter.lineEnd).toBe(16);
  });

  it('marks the tail of a broken input as damaged, never as a line', () => {
    const splitter = new LineSplitter(100);
    splitter.push(Buffer.from('whole\nhal'));
    expect(linesOf(splitter.endDamaged())).toEqual([{ text: 'hal', issues: ['damaged'] }]);
  });

  it('resumes at an offset: its first line is line one of what follows, and the identity bytes start from the given tail', () => {
    const before = Buffer.from('a'.repeat(2000) + '\n');
    const splitter = new LineSplitter(100, before.length, false, before);
    const block = splitter.push(Buffer.from('b\n'));
    expect(linesOf(block)).toEqual([{ text: 'b', issues: [] }]);
    expect(block.endOffset).toBe(before.length + 2);
    expect(block.tail).toEqual(Buffer.concat([before, Buffer.from('b\n')]).subarray(-TAIL_BYTES));
  });

  it('tells the resume point between two lines of a block exactly, or not at all (resumeAfter, firstCut): any chunking, CRLF, over-long lines', () => {
    const random = rng(11);
    let text = '';
    for (let i = 0; i < 400; i++) text += `${i} ${'z'.repeat(Math.floor(random() * (random() < 0.05 ? 3000 : 400)))}${random() < 0.3 ? '\r\n' : '\n'}`;
    const bytes = Buffer.from(text);
    /** Where each line starts in the source. */
    const lineStarts = [0];
    for (let i = bytes.indexOf(10); i >= 0 && i + 1 < bytes.length; i = bytes.indexOf(10, i + 1)) lineStarts.push(i + 1);
    let told = 0;
    for (const sizes of [[1000], [4096], [333, 7000], [65536]]) {
      const splitter = new LineSplitter(2000);
      let linesBefore = 0;
      for (let at = 0, k = 0; at < bytes.length; k++) {
        const size = sizes[k % sizes.length]!;
        const block = splitter.push(bytes.subarray(at, at + size));
        at += size;
        const first = firstCut(block);
        for (let n = 1; n < block.count; n++) {
          const point = resumeAfter(block, n);
          expect(point === null, `chunks ${sizes}, line ${linesBefore + n}`).toBe(n < first);
          if (point === null) continue;
          told++;
          const offset = lineStarts[linesBefore + n]!;
          expect(point.endOffset).toBe(offset);
          expect(point.tail).toEqual(bytes.subarray(offset - TAIL_BYTES, offset));
        }
        expect(resumeAfter(block, 0)).toBeNull();
        expect(resumeAfter(block, block.count)).toBeNull();
        linesBefore += block.count;
      }
      expect(linesBefore + splitter.end().count).toBe(lineStarts.length);
    }
    expect(told).toBeGreaterThan(500);
  });

  it('tells no resume point inside the lines it held: they may have lost bytes of an over-long line', () => {
    const splitter = new LineSplitter(100);
    splitter.push(Buffer.from('a'.repeat(500)));
    const block = splitter.end();
    expect(block.exactFrom).toBe(-1);
    expect(firstCut(block)).toBe(block.count);
  });
});
