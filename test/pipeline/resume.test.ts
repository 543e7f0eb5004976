/**
 * Resume everywhere (RELIABILITY row 11): the resume point of each source is checked before anything is skipped,
 * live resumes like ingest, and partial lines (row 2) are stored, counted and never read twice.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestInputs } from '../../src/pipeline/batch-policy.js';
import { followInputs } from '../../src/pipeline/live-policy.js';
import { openDatabase, type Database } from '../../src/store/database.js';
import { waitFor } from '../helpers/wait-for.js';
import { wsdiag } from '../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'wsdiag-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (name: string): string => join(dir, `${n++}-${name}`);

const line = (i: number, day = 22): string =>
  `127.0.0.1:${10000 + i} [${day}/Nov/2026:04:05:${String(i % 60).padStart(2, '0')}.000] fe be_ws/ws1 0/0/1/2/100 101 10 - - ---- 1/1/1/1/0 0/0 "GET /ws HTTP/1.1"`;
const lines = (from: number, count: number, day?: number): string => Array.from({ length: count }, (_, i) => line(from + i, day)).join('\n') + '\n';
/** A start-up banner without time stamps, over a KiB long: two days' files begin alike. */
const BANNER = Array.from({ length: 20 }, (_, i) => `# haproxy 2.6.12 started, worker ${i}, configuration /etc/haproxy/haproxy.cfg loaded`).join('\n') + '\n';

const count = async (db: Database, sql = 'SELECT count(*) AS n, count(DISTINCT client_port) AS d FROM sessions') => (await db.query(sql)).rows[0];

describe('resume', () => {
  it('reads a second file that shares its first KiB with a stored one as new (checked at the stored offset), and says so', async () => {
    const db = await openDatabase(null);
    try {
      const day1 = fresh('day1.log');
      const day2 = fresh('day2.log');
      writeFileSync(day1, BANNER + lines(0, 100, 21));
      writeFileSync(day2, BANNER + lines(1000, 300, 22));
      await ingestInputs(db, [day1], { timeZone: 'UTC' });
      const report = await ingestInputs(db, [day2], { timeZone: 'UTC' });
      expect(report.inputs[0]!.notResumed).toEqual([day1]);
      expect(report.inputs[0]!.sessions).toBe(300);
      expect(report.totals.linesSkipped).toBe(0);
      expect(await count(db)).toEqual({ n: 400, d: 400 });
      // The same file again, grown: continued, not read anew.
      appendFileSync(day2, lines(2000, 5, 22));
      const again = await ingestInputs(db, [day2], { timeZone: 'UTC' });
      expect(again.inputs[0]).toMatchObject({ sessions: 5, skipped: 320, notResumed: [] });
      expect(await count(db)).toEqual({ n: 405, d: 405 });
    } finally {
      db.close();
    }
  });

  it('the CLI says when an input looked known but was read as new', async () => {
    const dbPath = fresh('banner.duckdb');
    const day1 = fresh('day1.log');
    const day2 = fresh('day2.log');
    writeFileSync(day1, BANNER + lines(0, 10, 21));
    writeFileSync(day2, BANNER + lines(100, 30, 22));
    expect((await wsdiag('ingest', day1, '--db', dbPath)).code).toBe(0);
    const run = await wsdiag('ingest', day2, '--db', dbPath);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`${day2} starts like ${day1} (stored before) but does not continue it: read as a new input`);
    expect(run.stdout).toContain('30 sessions');
  });

  it('live --db stopped and started again stores nothing twice, and ingest after it neither', { timeout: 120_000 }, async () => {
    const dbPath = fresh('live.duckdb');
    const log = fresh('haproxy.log');
    writeFileSync(log, lines(0, 100));
    const follow = async (): Promise<void> => {
      const db = await openDatabase(dbPath);
      try {
        const follower = await followInputs(db, [{ path: log, follow: true }], { windowMs: 86_400_000, timeZone: 'UTC', flushMs: 50, pollMs: 10 });
        await waitFor(() => follower.stats().inputs[0]!.readOffset > 0 && follower.stats().queuedLines === 0 && follower.stats().inputs[0]!.state === 'reading');
        await waitFor(async () => Number((await follower.exclusive(() => db.query("SELECT max(lines) AS l FROM sources"))).rows[0]!['l']) > 0);
        follower.stop();
        const stats = await follower.done;
        expect(stats.failure).toBeNull();
      } finally {
        db.close();
      }
    };
    await follow();
    appendFileSync(log, lines(100, 50));
    await follow();
    const db = await openDatabase(dbPath);
    try {
      expect(await count(db)).toEqual({ n: 150, d: 150 });
      const report = await ingestInputs(db, [log], { timeZone: 'UTC' });
      expect(report.totals).toMatchObject({ sessions: 0, linesSkipped: 150 });
      expect(await count(db)).toEqual({ n: 150, d: 150 });
    } finally {
      db.close();
    }
  });

  it('stores a partial line when live stops (a session, since it parses), counts it, and never reads it twice', { timeout: 120_000 }, async () => {
    const dbPath = fresh('partial.duckdb');
    const log = fresh('haproxy.log');
    writeFileSync(log, lines(0, 3) + line(3)); // the last line has no newline yet
    const run = async (): Promise<{ linesRead: number; sessions: number; rejects: number }> => {
      const db = await openDatabase(dbPath);
      try {
        const follower = await followInputs(db, [{ path: log, follow: true }], { windowMs: 86_400_000, timeZone: 'UTC', flushMs: 50, pollMs: 10 });
        const size = Buffer.byteLength((await import('node:fs')).readFileSync(log));
        await waitFor(() => follower.stats().inputs[0]!.readOffset === size && follower.stats().queuedLines === 0);
        follower.stop();
        return await follower.done;
      } finally {
        db.close();
      }
    };
    const first = await run();
    expect(first).toMatchObject({ linesRead: 4, sessions: 4, rejects: 0 });
    // The rest of that line arrives: a continuation, stored as a reject of its own, not the line again.
    appendFileSync(log, ' trailing\n' + line(4) + '\n');
    const second = await run();
    expect(second).toMatchObject({ linesRead: 2, sessions: 1, rejects: 1 });
    const db = await openDatabase(dbPath);
    try {
      expect(await count(db)).toEqual({ n: 5, d: 5 });
      expect((await db.query("SELECT reason, raw FROM rejects")).rows).toEqual([{ reason: 'partial', raw: ' trailing' }]);
      expect((await db.query("SELECT count(*) AS n FROM raw_lines")).rows[0]!['n']).toBe(1); // the partial session, kept as evidence
    } finally {
      db.close();
    }
  });

  it('stores an unfinished line as partial after the idle timeout while following; a line that does not parse is a reject "partial"', async () => {
    const db = await openDatabase(null);
    try {
      const log = fresh('idle.log');
      writeFileSync(log, lines(0, 2) + 'garbage without its end');
      const follower = await followInputs(db, [{ path: log, follow: true }], { windowMs: 86_400_000, timeZone: 'UTC', flushMs: 50, pollMs: 10, idleMs: 200 });
      // Visible once committed (at most a flush later).
      const rejects = async () => (await follower.exclusive(() => db.query('SELECT reason, raw FROM rejects'))).rows;
      await waitFor(async () => (await rejects()).length === 1);
      expect(await rejects()).toEqual([{ reason: 'partial', raw: 'garbage without its end' }]);
      expect(follower.stats()).toMatchObject({ linesRead: 3, sessions: 2, rejects: 1 });
      follower.stop();
      await follower.done;
    } finally {
      db.close();
    }
  });

  it('a stream that ends mid-line: its last line still counts (no final newline)', async () => {
    const db = await openDatabase(null);
    try {
      const follower = await followInputs(db, [{ path: '-', follow: false }], { windowMs: 86_400_000, timeZone: 'UTC', stdin: Readable.from([Buffer.from(lines(0, 2) + line(2))]) });
      expect(await follower.done).toMatchObject({ linesRead: 3, sessions: 3, rejects: 0 });
    } finally {
      db.close();
    }
  });
});
