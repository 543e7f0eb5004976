/**
 * Inputs read to their end (RELIABILITY rows 6, 7, 12–14): gzip by magic bytes, every member, truncated and
 * corrupt gzip, missing files and directories, each said in one line; and the resume point of a gzip checked as it
 * is decompressed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { newInputResult, probeFile, readFile, type InputResult } from '../../src/input/read-source.js';
import { LineSplitter } from '../../src/input/split-lines.js';

const dir = mkdtempSync(join(tmpdir(), 'wsdiag-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(content: string | Buffer): string {
  const path = join(dir, `f${n++}`);
  writeFileSync(path, content);
  return path;
}

/** The lines of `path` read to its end, and how the input ended. */
async function read(path: string, from = 0, check?: (tail: Uint8Array) => boolean): Promise<{ lines: string[]; fragment: string | null; result: InputResult }> {
  const result = newInputResult();
  const probe = await probeFile(path, result);
  const lines: string[] = [];
  let fragment: string | null = null;
  if (probe) {
    const splitter = new LineSplitter(1 << 16, from);
    const take = (block: ReturnType<LineSplitter['push']>, damaged: boolean) => {
      for (let i = 0; i < block.count; i++) {
        const text = block.bytes.toString('utf8', block.starts[i], block.ends[i]);
        if (damaged) fragment = text;
        else lines.push(text);
      }
    };
    for await (const chunk of readFile(probe, { offset: from, ...(check ? { check } : {}) }, result, 4096)) take(splitter.push(chunk), false);
    if (result.status === 'ok') take(splitter.end(), false);
    else take(splitter.endDamaged(), true);
    result.compressed = probe.compressed;
  }
  return { lines, fragment, result };
}

describe('reading an input to its end', () => {
  it('detects gzip by magic bytes, whatever the name, and reads every member', async () => {
    const { lines, result } = await read(file(Buffer.concat([gzipSync('one\ntwo\n'), gzipSync('three\n')])));
    expect(lines).toEqual(['one', 'two', 'three']);
    expect(result).toMatchObject({ status: 'ok', compressed: true });
  });

  it('reports a truncated gzip, keeps the whole lines before it and never makes the partial line a line', async () => {
    const body = Array.from({ length: 20000 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const gz = gzipSync(body);
    const { lines, fragment, result } = await read(file(gz.subarray(0, Math.floor(gz.length * 0.6))));
    expect(result.status).toBe('truncated');
    expect(result.message).toMatch(/truncated gzip/);
    expect(lines.length).toBeGreaterThan(100);
    lines.forEach((l, i) => expect(l).toBe(`line ${i}`));
    expect(fragment === null || `line ${lines.length}`.startsWith(fragment)).toBe(true);
  });

  it('reports a corrupt gzip (one flipped byte)', async () => {
    const gz = Buffer.from(gzipSync(Array.from({ length: 20000 }, (_, i) => `line ${i}`).join('\n')));
    gz[Math.floor(gz.length / 2)]! ^= 0xff;
    const { result } = await read(file(gz));
    expect(result.status).toBe('corrupt');
    expect(result.message).toMatch(/corrupt gzip/);
  });

  it('reports a missing file and a directory in one line', async () => {
    const missing = await read(join(dir, 'does-not-exist.log'));
    expect(missing.lines).toEqual([]);
    expect(missing.result).toMatchObject({ status: 'missing', message: expect.stringMatching(/no such file$/) });
    expect((await read(dir)).result).toMatchObject({ status: 'unreadable', message: expect.stringMatching(/is a directory$/) });
  });

  it('keeps NUL and ESC bytes in the text', async () => {
    expect((await read(file('a\u0000b\u001b[2Jc\n'))).lines).toEqual(['a\u0000b\u001b[2Jc']);
  });

  it('resumes a gzip at an offset after checking the bytes before it, and stops before any byte when they differ', async () => {
    const text = 'first\nsecond\nthird\n';
    const path = file(gzipSync(text));
    const at = 'first\n'.length;
    let seen: Buffer | null = null;
    const resumed = await read(path, at, (tail) => {
      seen = Buffer.from(tail);
      return true;
    });
    expect(resumed.lines).toEqual(['second', 'third']);
    expect(seen).toEqual(Buffer.from('first\n'));
    const refused = await read(path, at, () => false);
    expect(refused.lines).toEqual([]);
    // A gzip shorter than the resume point cannot be the input stored.
    const beyond = await read(path, 1000, (tail) => tail.length <= 1024);
    expect(beyond.lines).toEqual([]);
  });

  it('probes the head of a gzip after decompression', async () => {
    const result = newInputResult();
    const probe = await probeFile(file(gzipSync('x'.repeat(5000))), result);
    expect(probe).toMatchObject({ compressed: true, size: null });
    expect(probe!.head).toEqual(Buffer.from('x'.repeat(1024)));
  });
});
