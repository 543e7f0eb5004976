/**
 * DuckDB's threads: WSDIAG_THREADS caps them for every database a command opens (checked, one line when it is not
 * a number), and an ingest gives back the threads the database was opened with, not DuckDB's default.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestInputs } from '../../src/pipeline/batch-policy.js';
import { openDatabase } from '../../src/store/database.js';
import { parseThreads } from '../../src/store/threads.js';
import { ROOT, wsdiagWithEnv } from '../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'wsdiag-threads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SAMPLE = join(ROOT, 'samples/ws-httplog.log');

const threadsOf = async (threads: string | undefined): Promise<number> => {
  const r = await wsdiagWithEnv({ WSDIAG_THREADS: threads }, 'query', SAMPLE, "SELECT current_setting('threads') AS n", '--format', 'json');
  expect(r.code, r.stderr).toBe(0);
  return Number(JSON.parse(r.stdout)[0].n);
};

describe('DuckDB threads', () => {
  it('WSDIAG_THREADS caps the threads of the databases a command opens; unset, DuckDB has one per core', async () => {
    expect(await threadsOf('1')).toBe(1);
    expect(await threadsOf('3')).toBe(3);
    const cores = await threadsOf(undefined);
    expect(cores).toBeGreaterThanOrEqual(1);
  });

  it('a WSDIAG_THREADS that is not a whole number from 1 to 1024: one line, exit 1, before anything is read', async () => {
    for (const bad of ['0', 'two', '1.5', '-1', '9999', '\u001b]0;x\u0007']) {
      const r = await wsdiagWithEnv({ WSDIAG_THREADS: bad }, 'analyze', SAMPLE);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      const first = r.stderr.split('\n')[0]!;
      expect(first).toMatch(/^wsdiag analyze: WSDIAG_THREADS takes a whole number of threads from 1 to 1024, not '/);
      expect(first).not.toContain('\u001b');
    }
    expect([' 2 ', '1', '1024', '0', '1025', 'x', ''].map(parseThreads)).toEqual([2, 1, 1024, null, null, null, null]);
  });

  it('an ingest gives back the threads the database was opened with (it stores on one while a worker parses)', async () => {
    for (const threads of [1, 2]) {
      const db = await openDatabase(join(dir, `t${threads}.duckdb`), { threads });
      try {
        await ingestInputs(db, [SAMPLE], { timeZone: 'UTC', parseOn: 'worker' });
        expect(Number((await db.query("SELECT current_setting('threads') AS n")).rows[0]!['n'])).toBe(threads);
      } finally {
        db.close();
      }
    }
  });
});
