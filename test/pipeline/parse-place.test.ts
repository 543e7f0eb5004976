/**
 * Where a batch parses: on the main thread when every input is a file and all are small (the parse worker's start
 * costs more there), on the worker otherwise — what cannot be sized beforehand (stdin, a pipe) included.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { parseOnFor } from '../../src/pipeline/batch-policy.js';

const dir = mkdtempSync(join(tmpdir(), 'wsdiag-parse-place-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const MiB = 1024 * 1024;

/** A file of `bytes` (sparse: its size is what counts). */
function sized(name: string, bytes: number): string {
  const path = join(dir, name);
  writeFileSync(path, '');
  truncateSync(path, bytes);
  return path;
}

describe('where a batch parses', () => {
  it('small files: on the main thread, whatever their number, until they hold 4 MiB together', async () => {
    expect(await parseOnFor([sized('a.log', 100_000)], undefined)).toBe('main');
    expect(await parseOnFor([sized('b.log', 2 * MiB), sized('c.log', 2 * MiB - 1)], undefined)).toBe('main');
    expect(await parseOnFor([sized('d.log', 2 * MiB), sized('e.log', 2 * MiB)], undefined)).toBe('worker');
    expect(await parseOnFor([sized('f.log', 5 * MiB)], undefined)).toBe('worker');
  });

  it('a gzip file counts ten times its size on disk (its text is not known before it is read)', async () => {
    const small = join(dir, 'small.gz');
    writeFileSync(small, gzipSync(Buffer.alloc(1000, 'x')));
    expect(await parseOnFor([small], undefined)).toBe('main');
    // 500 KB of random bytes do not compress: 10 × ~500 KB is over 4 MiB.
    const big = join(dir, 'big.gz');
    writeFileSync(big, gzipSync(randomBytes(500_000)));
    expect(await parseOnFor([big], undefined)).toBe('worker');
  });

  it('stdin and a pipe (never opened to be sized: that would wait for its writer): on the worker; a missing file counts nothing (its reader reports it)', async () => {
    expect(await parseOnFor(['-'], undefined)).toBe('worker');
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(await parseOnFor([fifo], undefined)).toBe('worker');
    expect(await parseOnFor([join(dir, 'missing.log')], undefined)).toBe('main');
  });

  it('what the caller asks for wins', async () => {
    expect(await parseOnFor([sized('g.log', 10)], 'worker')).toBe('worker');
    expect(await parseOnFor(['-'], 'main')).toBe('main');
  });
});
