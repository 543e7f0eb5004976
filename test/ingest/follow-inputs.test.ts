import { appendFileSync, mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/ingest/chunk-decoder.js';
import { followInputs } from '../../src/ingest/follow-inputs.js';
import { openDatabase, type Database } from '../../src/store/database.js';

const SAMPLE = readFileSync(new URL('../../samples/ws-httplog.log', import.meta.url), 'utf8');
const SESSIONS = SAMPLE.split('\n').filter((l) => /^\d+\.\d+\.\d+\.\d+:\d+ \[/.test(l));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A stdin that yields `chunks` one every `ms`, so that the follower flushes (and prunes) between them. */
const slowly = (chunks: readonly Buffer[], ms: number): Readable =>
  Readable.from((async function* () {
    for (const chunk of chunks) {
      yield chunk;
      await sleep(ms);
    }
  })());
/** 3000 numbered lines, `line(n)` for n = 0…2999, in 6 chunks of 500 (to feed slowly, so flushes come between). */
const numberedChunks = (line: (n: number) => string): Buffer[] =>
  Array.from({ length: 6 }, (_, c) => Buffer.from(Array.from({ length: 500 }, (_, i) => line(c * 500 + i)).join('\n') + '\n'));
/** An hour's window with a row budget of 1000: the 3000 lines of numberedChunks overflow it. */
const BUDGETED = { windowMs: 3_600_000, maxSessions: 1000, timeZone: 'UTC', flushMs: 50 } as const;
/** A full garbage collection, without --expose-gc on the command line. */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

async function waitFor(predicate: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await predicate()) return;
    await sleep(50);
  }
  throw new Error('timed out');
}

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

describe('LineSplitter', () => {
  it('splits across chunks, strips one \\r, caps long lines and keeps invalid UTF-8 bytes', () => {
    const out: Parameters<LineSplitter['push']>[1] = [];
    const s = new LineSplitter(8);
    s.push(Buffer.from('ab'), out);
    s.push(Buffer.from('c\r\n0123456789abc\nx'), out);
    s.push(Buffer.from([0xff, 0x0a]), out);
    s.push(Buffer.from('tail'), out);
    s.end(out);
    expect(out.map((l) => [l.text, l.issue])).toEqual([['abc', null], ['01234567', 'too_long'], ['x\ufffd', 'invalid_utf8'], ['tail', null]]);
  });
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

  it('follows a file that appears later, is rotated by rename and truncated', async () => {
    const path = join(dir, 'haproxy.log');
    const count = async () => Number((await follower.exclusive(() => db.query('SELECT count(*) AS n FROM sessions'))).rows[0]!['n']);
    const follower = await followInputs(db, [{ path, follow: true }], { windowMs: 3_600_000, flushMs: 100, pollMs: 50 });
    await sleep(200);
    expect(follower.stats().inputs[0]!.state).toBe('waiting');

    writeFileSync(path, SESSIONS.slice(0, 3).join('\n') + '\n');
    await waitFor(async () => (await count()) === 3);
    appendFileSync(path, SESSIONS[3]!); // no newline yet: not a line
    await sleep(300);
    expect(await count()).toBe(3);
    appendFileSync(path, '\n');
    await waitFor(async () => (await count()) === 4);

    // Rotation: what is written to the old file after the rename is still read, then the new file from its start.
    renameSync(path, `${path}.1`);
    appendFileSync(`${path}.1`, SESSIONS[4]! + '\n');
    writeFileSync(path, SESSIONS.slice(5, 7).join('\n') + '\n');
    await waitFor(async () => (await count()) === 7);

    // copytruncate: the file starts over.
    truncateSync(path, 0);
    await sleep(200);
    writeFileSync(path, SESSIONS[7]! + '\n');
    await waitFor(async () => (await count()) === 8);

    follower.stop();
    const stats = await follower.done;
    expect(stats.sessions).toBe(8);
    const lines = await db.query('SELECT count(DISTINCT line_no) AS n FROM session_rows');
    expect(lines.rows[0]!['n']).toBe(8);
  });

  it('a writer appends N numbered lines while the file is rotated again and again: exactly N are stored', async () => {
    const path = join(dir, 'haproxy.log');
    const N = 3000;
    const numbered = (i: number) =>
      `127.0.0.1:${10000 + i} [22/Nov/2026:04:05:${String(i % 60).padStart(2, '0')}.000] fe be_ws/ws1 0/0/1/2/100 101 10 - - ---- 1/1/1/1/0 0/0 "GET /ws HTTP/1.1"`;
    writeFileSync(path, '');
    const follower = await followInputs(db, [{ path, follow: true }], { windowMs: 3_600_000, flushMs: 100, pollMs: 20 });
    let i = 0;
    while (i < N) {
      appendFileSync(path, numbered(i++) + '\n');
      if (i % 500 === 499 && i < N) {
        // logrotate by rename, a few more lines into the old file, then a new file.
        renameSync(path, `${path}.${i}`);
        appendFileSync(`${path}.${i}`, numbered(i++) + '\n'); // written to the old file after the rename
        writeFileSync(path, '');
        // Following by name sees one rotation per poll, as GNU tail -F does: a file renamed away twice before
        // the follower looked again could not be found by name. Real rotations are hours apart.
        await sleep(150);
      }
      if (i % 100 === 0) await sleep(5);
    }
    const count = async () => Number((await follower.exclusive(() => db.query('SELECT count(*) AS n FROM sessions'))).rows[0]!['n']);
    await waitFor(async () => (await count()) >= N, 20_000);
    await sleep(300);
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
    const follower = await followInputs(db, [{ path: '-', follow: false }], { ...BUDGETED, stdin: slowly(chunks, 250) });
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
    await waitFor(() => follower.stats().linesRead === 1000);
    await sleep(100);
    collectGarbage();
    await sleep(0);
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
        const follower = await followInputs(store, [{ path: '-', follow: false }], { ...BUDGETED, stdin: slowly(chunks, 250) });
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
      slowly(numberedChunks((n) => SESSIONS[(n % 500) % SESSIONS.length]!.replace(v4, `${ip(client(n))}:$1`)), 200);
    const addresses = async () => (await db.query("SELECT count(*) AS n FROM names WHERE value LIKE '2001:db8::%'")).rows[0]!['n'];

    it('are deleted once no stored session uses them (the dictionary starts over past maxNames)', async () => {
      const follower = await followInputs(db, [{ path: '-', follow: false }], {
        ...BUDGETED, maxNames: 500, stdin: input((n) => n),
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
        windowMs: 3_600_000, timeZone: 'UTC', maxNames: 500, stdin: input((n) => n % 700), flushMs: 50, parseOn,
      });
      expect((await follower.done).sessions).toBe(3000);
      const { rows } = await db.query('SELECT line_no, client_ip FROM sessions ORDER BY line_no');
      expect(rows).toHaveLength(3000);
      expect(rows.filter((r) => r['client_ip'] !== ip((Number(r['line_no']) - 1) % 700))).toEqual([]);
      // Values seen again got new ids: some addresses are in `names` more than once.
      expect(Number(await addresses())).toBeGreaterThan(700);
    });
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
