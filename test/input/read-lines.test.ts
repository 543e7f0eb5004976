import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readLines, type InputResult, type LineNote } from '../../src/input/read-lines.js';

const dir = mkdtempSync(join(tmpdir(), 'wsdiag-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(content: string | Buffer): string {
  const path = join(dir, `f${n++}`);
  writeFileSync(path, content);
  return path;
}

async function read(path: string, options: { maxLineBytes?: number; highWaterMark?: number } = {}) {
  const result: InputResult = { status: 'ok', message: null, compressed: false, bytes: 0, lines: 0, fragment: null };
  const lines: string[] = [];
  const notes: (LineNote & { lineNo: number })[] = [];
  for await (const batch of readLines(path, result, options)) {
    for (const note of batch.notes) notes.push({ ...note, lineNo: batch.firstLineNo + note.index });
    expect(batch.firstLineNo).toBe(lines.length + 1);
    lines.push(...batch.lines);
  }
  return { lines, notes, result };
}

/** Deterministic PRNG for the property tests. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

describe('readLines', () => {
  it('splits any chunking of the same bytes into the same lines (CRLF and multi-byte UTF-8 across chunks)', async () => {
    const random = rng(7);
    const pieces = ['GET /é', 'чат', '🙂 ok', 'plain', '', 'x'.repeat(300)];
    const expected: string[] = [];
    let text = '';
    for (let i = 0; i < 400; i++) {
      const line = `${i} ${pieces[Math.floor(random() * pieces.length)]}`;
      expected.push(line);
      text += line + (random() < 0.3 ? '\r\n' : '\n');
    }
    const path = file(text);
    for (const highWaterMark of [1, 2, 3, 5, 7, 13, 64, 1000, 65536]) {
      const { lines, notes } = await read(path, { highWaterMark });
      expect(lines, `chunk size ${highWaterMark}`).toEqual(expected);
      expect(notes).toEqual([]);
    }
  });

  it('counts the last line without a final newline, keeps blank lines', async () => {
    expect((await read(file('a\n\nb'))).lines).toEqual(['a', '', 'b']);
  });

  it('strips exactly one trailing CR', async () => {
    expect((await read(file('a\r\r\nb\r\n'))).lines).toEqual(['a\r', 'b']);
  });

  it('reads an empty file as no lines', async () => {
    const { lines, result } = await read(file(''));
    expect(lines).toEqual([]);
    expect(result.status).toBe('ok');
  });

  it('cuts a 1 MB line to the cap, reports it, and keeps reading', async () => {
    for (const highWaterMark of [4096, 65536, 1 << 20]) {
      const { lines, notes } = await read(file(`before\n${'A'.repeat(1 << 20)}\nafter\n`), { maxLineBytes: 1000, highWaterMark });
      expect(lines.map((l) => l.length)).toEqual([6, 1000, 5]);
      expect(notes.map((x) => [x.lineNo, x.issue])).toEqual([[2, 'too_long']]);
    }
  });

  it('cuts batches by size as well as by count: wide lines never make a huge batch', async () => {
    const path = file(Array.from({ length: 200 }, (_, i) => `${i} ${'w'.repeat(50_000)}`).join('\n') + '\n');
    const result: InputResult = { status: 'ok', message: null, compressed: false, bytes: 0, lines: 0, fragment: null };
    const sizes: number[] = [];
    for await (const batch of readLines(path, result)) sizes.push(batch.lines.reduce((sum, line) => sum + line.length, 0));
    // 10 MB of text: several batches, none much over 1 Mi characters (it closes on the line that passes it).
    expect(sizes.length).toBeGreaterThanOrEqual(9);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1024 * 1024 + 50_010);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(200 * 50_001 + 490);
  });

  it('decodes invalid UTF-8 lossily, flags it and keeps the exact bytes', async () => {
    const bytes = Buffer.from([0x61, 0xff, 0xfe, 0x62]);
    const { lines, notes } = await read(file(Buffer.concat([Buffer.from('ok\n'), bytes, Buffer.from('\nend\n')])));
    expect(lines).toEqual(['ok', 'a\ufffd\ufffdb', 'end']);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ lineNo: 2, issue: 'invalid_utf8' });
    expect(notes[0]!.bytes).toEqual(bytes);
  });

  it('keeps NUL and ESC bytes in the text', async () => {
    expect((await read(file('a\u0000b\u001b[2Jc\n'))).lines).toEqual(['a\u0000b\u001b[2Jc']);
  });

  it('detects gzip by magic bytes, whatever the name, and reads every member', async () => {
    const path = file(Buffer.concat([gzipSync('one\ntwo\n'), gzipSync('three\n')]));
    const { lines, result } = await read(path);
    expect(lines).toEqual(['one', 'two', 'three']);
    expect(result).toMatchObject({ status: 'ok', compressed: true });
  });

  it('reports a truncated gzip, keeps the whole lines before it and never emits the partial line', async () => {
    const body = Array.from({ length: 20000 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const gz = gzipSync(body);
    const { lines, result } = await read(file(gz.subarray(0, Math.floor(gz.length * 0.6))));
    expect(result.status).toBe('truncated');
    expect(result.message).toMatch(/truncated gzip/);
    expect(lines.length).toBeGreaterThan(100);
    lines.forEach((l, i) => expect(l).toBe(`line ${i}`));
    expect(result.fragment === null || `line ${lines.length}`.startsWith(result.fragment)).toBe(true);
  });

  it('reports a corrupt gzip (one flipped byte)', async () => {
    const gz = Buffer.from(gzipSync(Array.from({ length: 20000 }, (_, i) => `line ${i}`).join('\n')));
    gz[Math.floor(gz.length / 2)]! ^= 0xff;
    const { result } = await read(file(gz));
    expect(result.status).toBe('corrupt');
    expect(result.message).toMatch(/corrupt gzip/);
  });

  it('reports a missing file in one line', async () => {
    const { lines, result } = await read(join(dir, 'does-not-exist.log'));
    expect(lines).toEqual([]);
    expect(result).toMatchObject({ status: 'missing', message: expect.stringMatching(/no such file$/) });
  });

  it('reports a directory as unreadable', async () => {
    expect((await read(dir)).result.status).toBe('unreadable');
  });
});
