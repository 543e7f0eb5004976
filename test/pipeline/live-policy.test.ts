import { appendFileSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { followInputs, type Follower, type FollowStats } from '../../src/pipeline/live-policy.js';
import { openDatabase, type Database } from '../../src/store/database.js';
import { waitFor } from '../helpers/wait-for.js';

const SAMPLE = readFileSync(new URL('../../samples/ws-httplog.log', import.meta.url), 'utf8');
const SESSIONS = SAMPLE.split('\n').filter((l) => /^\d+\.\d+\.\d+\.\d+:\d+ \[/.test(l));
const newlines = (b: Buffer): number => b.reduce((n, byte) => n + (byte === 10 ? 1 : 0), 0);

/**
 * A stdin that hands over each chunk only once the follower has stored the ones before and flushed after them (its
 * onTick), so that each chunk lands in a flush of its own (the row budget cuts at flushes). No timer involved.
 */
function paced(chunks: readonly Buffer[]): { stdin: Readable; onTick: (stats: FollowStats) => void } {
  let waiting: { lines: number; resolve: () => void } | null = null;
  return {
    onTick: (stats) => {
      if (waiting && stats.linesRead >= waiting.lines && stats.queuedLines === 0) {
        waiting.resolve();
        waiting = null;
      }
    },
    stdin: Readable.from((async function* () {
      let lines = 0;
      for (const chunk of chunks) {
        yield chunk;
        lines += newlines(chunk);
        await new Promise<void>((resolve) => (waiting = { lines, resolve }));
      }
    })()),
  };
}
/** 3000 numbered lines, `line(n)` for n = 0…2999, in 6 chunks of 500. */
const numberedChunks = (line: (n: number) => string): Buffer[] =>
  Array.from({ length: 6 }, (_, c) => Buffer.from(Array.from({ length: 500 }, (_, i) => line(c * 500 + i)).join('\n') + '\n'));
/** An hour's window with a row budget of 1000: the 3000 lines of numberedChunks overflow it. */
const BUDGETED = { windowMs: 3_600_000, maxSessions: 1000, timeZone: 'UTC', flushMs: 50 } as const;
/** A full garbage collection, without --expose-gc on the command line. */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Sessions stored and visible (committed). */
const stored = async (follower: Follower, db: Database): Promise<number> =>
  Number((await follower.exclusive(() => db.query('SELECT count(*) AS n FROM sessions'))).rows[0]!['n']);

let db: Database;
let dir: string;
beforeEach(async () => {
  db = await openDatabase(null);
  dir = mkdtempSync(join(tmpdir(), 'wsdiag-follow-'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('followInputs', () => {
  it('reads a stream to its end, counting every line', async () => {
    const follower = await followInputs(db, [{ path: '-', follow: false }], { windowMs: 3_600_000, stdin: Readable.from([Buffer.from(SAMPLE)]), flushMs: 100 });
    const stats = await follower.done;
    expect(stats.linesRead).toBe(SAMPLE.split('\n').filter((l, i, a) => i < a.length - 1 || l !== '').length);
    expect(stats.sessions + stats.events + stats.rejects + stats.blank).toBe(stats.linesRead);
    const { rows } = await db.query('SELECT count(*) AS n FROM sessions');
    expect(rows[0]!['n']).toBe(stats.sessions);
  });

  it('follows a file that appears later, is rotated by rename and truncated in place', async () => {
    const path = join(dir, 'haproxy.log');
    const follower = await followInputs(db, [{ path, follow: true }], { windowMs: 3_600_000, flushMs: 50, pollMs: 20 });
    const input = () => follower.stats().inputs[0]!;
    await waitFor(() => input().state === 'waiting', 60_000, 'waiting for the file');

    writeFileSync(path, SESSIONS.slice(0, 3).join('\n') + '\n');
    await waitFor(async () => (await stored(follower, db)) === 3);
    appendFileSync(path, SESSIONS[3]!); // no newline yet: not a line
    const size = statSync(path).size;
    // Read, and flushed after it was read: still 3 sessions.
    await waitFor(() => input().bytes === size && follower.stats().queuedLines === 0);
    expect(await stored(follower, db)).toBe(3);
    appendFileSync(path, '\n');
    await waitFor(async () => (await stored(follower, db)) === 4);

    // Rotation: what is written to the old file after the rename is still read, then the new file from its start.
    renameSync(path, `${path}.1`);
    appendFileSync(`${path}.1`, SESSIONS[4]! + '\n');
    writeFileSync(path, SESSIONS.slice(5, 7).join('\n') + '\n');
    await waitFor(async () => (await stored(follower, db)) === 7);
    expect(input().contents).toBe(2);

    // Truncated in place, and written again at once: the new content from its start.
    truncateSync(path, 0);
    writeFileSync(path, SESSIONS[7]! + '\n');
    await waitFor(async () => (await stored(follower, db)) === 8);

    follower.stop();
    const stats = await follower.done;
    expect(stats.sessions).toBe(8);
    expect(stats.failure).toBeNull();
    // Each content is a source of its own; no line is stored twice.
    const { rows } = await db.query('SELECT count(*) AS n, count(DISTINCT (source_id, line_no)) AS d, count(DISTINCT source_id) AS sources FROM sessions');
    expect(rows[0]).toEqual({ n: 8, d: 8, sources: 3 });
    const events = await db.query('SELECT kind, "offset", lost_bytes FROM input_events');
    expect(events.rows).toEqual([{ kind: 'truncated', offset: Buffer.byteLength(SESSIONS.slice(5, 7).join('\n') + '\n'), lost_bytes: 0 }]);
  });

  it('a writer appends N numbered lines while the file is rotated again and again: exactly N are stored', async () => {
    const path = join(dir, 'haproxy.log');
    const N = 3000;
    const numbered = (i: number) =>
      `127.0.0.1:${10000 + i} [22/Nov/2026:04:05:${String(i % 60).padStart(2, '0')}.000] fe be_ws/ws1 0/0/1/2/100 101 10 - - ---- 1/1/1/1/0 0/0 "GET /ws HTTP/1.1"`;
    writeFileSync(path, '');
    const follower = await followInputs(db, [{ path, follow: true }], { windowMs: 3_600_000, flushMs: 50, pollMs: 10 });
    const contents = () => follower.stats().inputs[0]!.contents;
    await waitFor(() => contents() === 1);
    let i = 0;
    while (i < N) {
      appendFileSync(path, numbered(i++) + '\n');
      if (i % 500 === 499 && i < N) {
        // logrotate by rename, a few more lines into the old file, then a new file.
        const opened = contents();
        renameSync(path, `${path}.${i}`);
        appendFileSync(`${path}.${i}`, numbered(i++) + '\n'); // written to the old file after the rename
        writeFileSync(path, '');
        // Following by name sees one rotation per look, as GNU tail -F does: a file renamed away twice before the
        // follower looked again could not be found by name. Real rotations are hours apart: wait for it to look.
        await waitFor(() => contents() === opened + 1);
      }
    }
    await waitFor(async () => (await stored(follower, db)) >= N);
    follower.stop();
    await follower.done;
    const { rows } = await db.query('SELECT count(*) AS n, count(DISTINCT client_port) AS d FROM sessions');
    expect(rows[0]).toEqual({ n: N, d: N });
  });

  it('prunes rows older than the window, on the log clock', async () => {
    const old = SESSIONS[0]!.replace(/\[\d+\/\w+\/\d+:\d\d:\d\d:\d\d\.\d+\]/, '[22/Nov/2026:03:00:00.000]');
    const recent = SESSIONS[1]!.replace(/\[\d+\/\w+\/\d+:\d\d:\d\d:\d\d\.\d+\]/, '[22/Nov/2026:04:00:00.000]');
    const follower = await followInputs(db, [{ path: '-', follow: false }], {
      windowMs: 15 * 60_000, timeZone: 'UTC', stdin: Readable.from([Buffer.from(`${old}\n${recent}\n`)]), flushMs: 100,
    });
    const stats = await follower.done;
    expect(stats.sessions).toBe(2);
    const { rows } = await db.query('SELECT count(*) AS n FROM sessions');
    expect(rows[0]!['n']).toBe(1);
    expect(stats.latestTsMs).toBe(Date.UTC(2026, 10, 22, 4));
  });

  it('keeps about --max-sessions sessions when the window holds more, and says how much time it holds', async () => {
    const at = (i: number) => {
      const d = new Date(Date.UTC(2026, 10, 22, 4, 0, 0) + i * 10);
      return `[22/Nov/2026:04:${String(d.getUTCMinutes()).padStart(2, '0')}:${String(d.getUTCSeconds()).padStart(2, '0')}.${String(d.getUTCMilliseconds()).padStart(3, '0')}]`;
    };
    const stamp = /\[\d+\/\w+\/\d+:\d\d:\d\d:\d\d\.\d+\]/;
    // A server went DOWN at the start: the event outlives the sessions the budget drops.
    const down = 'Nov 22 04:00:00 lb1 haproxy[7]: Server be_ws/ws1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.\n';
    const chunks = numberedChunks((n) => SESSIONS[0]!.replace(stamp, at(n)));
    chunks[0] = Buffer.concat([Buffer.from(down), chunks[0]!]);
    const follower = await followInputs(db, [{ path: '-', follow: false }], { ...BUDGETED, ...paced(chunks) });
    const stats = await follower.done;
    expect(stats.sessions).toBe(3000);
    const { rows } = await db.query('SELECT count(*) AS n, min(ts) AS lo FROM sessions');
    const kept = Number(rows[0]!['n']);
    // Cut at a flush mark: the budget, plus at most the chunk that crossed it.
    expect(kept).toBeGreaterThanOrEqual(1000);
    expect(kept).toBeLessThanOrEqual(1500);
    expect(stats.heldMs).not.toBeNull();
    expect(stats.heldMs!).toBeLessThan(3000 * 10);
    expect(Date.parse(String(rows[0]!['lo']))).toBeGreaterThanOrEqual(stats.latestTsMs! - stats.heldMs!);
    expect(stats.events).toBe(1);
    const events = await db.query('SELECT kind, ts FROM events');
    expect(events.rows).toEqual([{ kind: 'server.down', ts: '2026-11-22T04:00:00.000Z' }]);
  });

  it('prunes without vacuum rewrites (checkpoints after a prune do not spike), and still frees pruned row groups', async () => {
    const follower = await followInputs(db, [{ path: '-', follow: false }], {
      windowMs: 15 * 60_000, timeZone: 'UTC', stdin: Readable.from([Buffer.from(`${SESSIONS[0]}\n`)]), flushMs: 50,
    });
    await follower.done;
    expect((await db.query("SELECT current_setting('max_vacuum_tasks') AS v")).rows[0]!['v']).toBe(0);
    // What live relies on: oldest-first deletes leave whole row groups deleted, which a checkpoint drops.
    const inMemory = async () => Number((await db.query("SELECT sum(memory_usage_bytes) FILTER (WHERE tag = 'IN_MEMORY_TABLE') AS b FROM duckdb_memory()")).rows[0]!['b']);
    await db.run("CREATE TABLE pruned AS SELECT i AS ts, i % 97 AS a, 'GET /ws/' || (i % 1000) AS uri, random() AS r FROM range(1000000) t(i)");
    await db.run('CHECKPOINT');
    const full = await inMemory();
    await db.run('DELETE FROM pruned WHERE ts < 750000');
    await db.run('CHECKPOINT');
    expect(await inMemory()).toBeLessThan(full * 0.5);
  });

  it('lets go of what it read from stdin while the input goes on (a long tail -f must not grow)', async () => {
    const chunks: WeakRef<Buffer>[] = [];
    let finish!: () => void;
    const finished = new Promise<void>((r) => (finish = r));
    async function* lines() {
      for (let i = 0; i < 50; i++) {
        const chunk = Buffer.from(`${SESSIONS[i % SESSIONS.length]}\n`.repeat(20));
        chunks.push(new WeakRef(chunk));
        yield chunk;
      }
      await finished; // the input goes on
    }
    const follower = await followInputs(db, [{ path: '-', follow: false }], { windowMs: 3_600_000, stdin: Readable.from(lines()), flushMs: 50, parseOn: 'main' });
    await waitFor(() => follower.stats().linesRead === 1000 && follower.stats().queuedLines === 0);
    collectGarbage();
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    const alive = chunks.filter((c) => c.deref() !== undefined).length;
    finish();
    await follower.done;
    // The stream may still hold its last buffer; all 50 were held before.
    expect(alive).toBeLessThanOrEqual(2);
  });

  it('bounds a flood of garbage too: stamped rejects by the row budget, timeless ones to the newest', async () => {
    const time = (i: number) => `Nov 22 04:${String(Math.floor(i / 6000)).padStart(2, '0')}:${String(Math.floor(i / 100) % 60).padStart(2, '0')}`;
    const stamped = numberedChunks((n) => `${time(n)} lb1 haproxy[7]: #### not a log ${n}`);
    const timeless = numberedChunks((n) => `garbage \u0001 ${n}`);
    for (const [chunks, check] of [
      [stamped, (kept: number) => expect(kept).toBeLessThanOrEqual(1500)],
      [timeless, (kept: number) => expect(kept).toBe(1000)],
    ] as const) {
      const store = await openDatabase(null);
      try {
        const follower = await followInputs(store, [{ path: '-', follow: false }], { ...BUDGETED, ...paced(chunks) });
        const stats = await follower.done;
        expect(stats.rejects).toBe(3000);
        const { rows } = await store.query('SELECT count(*) AS n, min(line_no) AS first, max(line_no) AS last FROM rejects');
        const kept = Number(rows[0]!['n']);
        expect(kept).toBeGreaterThanOrEqual(1000);
        check(kept);
        // The newest are the ones kept.
        expect(rows[0]!['last']).toBe(3000);
        expect(rows[0]!['first']).toBe(3000 - kept + 1);
      } finally {
        store.close();
      }
    }
  });

  describe('names of ever-new values (IPv6 clients, session cookies)', () => {
    const v4 = /^\d+\.\d+\.\d+\.\d+:(\d+)/;
    const ip = (i: number) => `2001:db8::${i.toString(16)}`;
    /** 3000 sessions in 6 slow chunks, session n (line n + 1) from address client(n). */
    const input = (client: (n: number) => number) =>
      paced(numberedChunks((n) => SESSIONS[(n % 500) % SESSIONS.length]!.replace(v4, `${ip(client(n))}:$1`)));
    const addresses = async () => (await db.query("SELECT count(*) AS n FROM names WHERE value LIKE '2001:db8::%'")).rows[0]!['n'];

    it('are deleted once no stored session uses them (the dictionary starts over past maxNames)', async () => {
      const follower = await followInputs(db, [{ path: '-', follow: false }], {
        ...BUDGETED, maxNames: 500, ...input((n) => n),
      });
      expect((await follower.done).sessions).toBe(3000);
      const { rows } = await db.query('SELECT line_no, client_ip FROM sessions ORDER BY line_no');
      expect(rows.length).toBeLessThanOrEqual(1500);
      expect(rows.filter((r) => r['client_ip'] !== ip(Number(r['line_no']) - 1))).toEqual([]);
      // 3000 addresses were seen; the ones of pruned sessions are gone (all 3000 stayed before).
      expect(Number(await addresses())).toBeLessThan(2000);
    });

    it.each(['worker', 'main'] as const)('keep every stored session right when values come back after the start-over (parsed on the %s thread)', async (parseOn) => {
      const follower = await followInputs(db, [{ path: '-', follow: false }], {
        windowMs: 3_600_000, timeZone: 'UTC', maxNames: 500, ...input((n) => n % 700), flushMs: 50, parseOn,
      });
      expect((await follower.done).sessions).toBe(3000);
      const { rows } = await db.query('SELECT line_no, client_ip FROM sessions ORDER BY line_no');
      expect(rows).toHaveLength(3000);
      expect(rows.filter((r) => r['client_ip'] !== ip((Number(r['line_no']) - 1) % 700))).toEqual([]);
      // Values seen again got new ids: some addresses are in `names` more than once.
      expect(Number(await addresses())).toBeGreaterThan(700);
    });
  });

  it('holds reading back while the store is behind (a bounded queue), and shows the lag', async () => {
    // 200 chunks of 100 lines, stamped long ago (the lag is the wall clock minus the newest stamp).
    const chunks = numberedChunks((n) => SESSIONS[n % SESSIONS.length]!).flatMap((c) => {
      const lines = c.toString().trimEnd().split('\n');
      return Array.from({ length: 5 }, (_, k) => Buffer.from(lines.slice(k * 100, (k + 1) * 100).join('\n') + '\n'));
    });
    const all = Array.from({ length: 200 / chunks.length }, () => chunks).flat();
    const following: { follower: Follower | null } = { follower: null };
    let lead = 0;
    const stdin = Readable.from((function* () {
      for (let k = 0; k < all.length; k++) {
        // How far reading is ahead of storing, in chunks, when the next chunk is taken.
        const stored = Math.floor((following.follower?.stats().linesRead ?? 0) / 100);
        lead = Math.max(lead, k - stored);
        yield all[k]!;
      }
    })(), { highWaterMark: 1 });
    const follower = await followInputs(db, [{ path: '-', follow: false }], { windowMs: 86_400_000, timeZone: 'UTC', flushMs: 50, stdin });
    following.follower = follower;
    const stats = await follower.done;
    expect(stats.linesRead).toBe(all.length * 100);
    // The worker's queue (16 requests) and the stream's own buffer, not the whole input.
    expect(lead).toBeGreaterThan(0);
    expect(lead).toBeLessThanOrEqual(24);
    expect(stats.lagMs).toBeGreaterThan(0);
  });

  it('stores the same rows whether lines are parsed on the worker or on the main thread', async () => {
    // Every sample, with a line over the cap, invalid UTF-8 and CRLF, cut into chunks that split lines.
    const bytes = Buffer.concat([Buffer.from(SAMPLE), Buffer.from(`${'x'.repeat(300)}\n`), Buffer.from([0x66, 0xff, 0x0a]), Buffer.from(`${SESSIONS[2]}\r\n`)]);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 777) }, (_, i) => bytes.subarray(i * 777, (i + 1) * 777));
    const rowsOf = async (parseOn: 'worker' | 'main') => {
      const store = await openDatabase(null);
      try {
        const follower = await followInputs(store, [{ path: '-', follow: false }], {
          windowMs: 3_600_000, timeZone: 'UTC', maxLineBytes: 256, stdin: Readable.from(chunks), flushMs: 100, parseOn,
        });
        const stats = await follower.done;
        const tables = await Promise.all(['sessions', 'events', 'rejects', 'raw_lines'].map(async (t) =>
          (await store.query(`SELECT * EXCLUDE (source_id${t === 'sessions' ? ', source' : ''}) FROM ${t} ORDER BY line_no`)).rows));
        return { stats: { ...stats, lagMs: null, linesPerSecond: 0 }, tables };
      } finally {
        store.close();
      }
    };
    const onWorker = await rowsOf('worker');
    const onMain = await rowsOf('main');
    expect(onWorker.stats.linesRead).toBe(SAMPLE.split('\n').length - 1 + 3);
    expect(onWorker.stats.rejects).toBeGreaterThanOrEqual(1);
    expect(onWorker.tables[0]!.length).toBe(onWorker.stats.sessions);
    expect(onWorker).toEqual(onMain);
  });
});
