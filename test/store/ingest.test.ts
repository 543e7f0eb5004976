import { mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestInputs } from '../../src/pipeline/batch-policy.js';
import { openDatabase, type Database } from '../../src/store/database.js';

const dir = mkdtempSync(join(tmpdir(), 'wsdiag-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (content: string | Buffer): string => {
  const path = join(dir, `in${n++}.log`);
  writeFileSync(path, content);
  return path;
};

const HTTP = (port: number, extra = '') =>
  `Nov 22 04:05:06 lb1 haproxy[77]: 127.0.0.1:${port} [22/Nov/2026:04:05:06.123] fe_main be_ws/ws1 0/0/1/2/30005 101 1234 - - cD-- 5/4/3/2/0 0/0 {websocket|Upgrade} "GET /ws/chat${extra} HTTP/1.1"`;
const NOSRV = 'Nov 22 04:05:07 lb1 haproxy[77]: 10.0.0.9:5000 [22/Nov/2026:04:05:07.000] fe_main be_hc/<NOSRV> 0/-1/-1/-1/0 503 217 - - SC-- 1/1/0/0/0 0/0 "GET /ws HTTP/1.1"';
const DOWN = 'Nov 22 04:05:05 lb1 haproxy[77]: Server be_hc/hc1 is DOWN, reason: Layer7 wrong status, code: 101, info: "Switching Protocols", check duration: 1ms. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.';
const TCP = 'Nov 22 04:05:08 lb1 haproxy[77]: [::1]:6000 [22/Nov/2026:04:05:08.000] fe_tcp be_tcp/t1 0/0/3000 0 cD 1/1/1/1/0 0/0';
const TCP6 = 'Nov 22 04:05:08 lb1 haproxy[77]: ::1:6000 [22/Nov/2026:04:05:08.000] fe_tcp be_tcp/t1 0/0/3000 0 cD 1/1/1/1/0 0/0';

let db: Database;
beforeEach(async () => {
  db = await openDatabase(null);
});
afterEach(() => db.close());

const one = async (sql: string) => (await db.query(sql)).rows[0]!;

/**
 * Runs fixtures/crash-during-ingest.ts on `path` into a new database file (argv: batches before SIGKILL, then
 * optionally lines and characters between commits), checks that it was killed, and opens what it left: the
 * sessions stored and the offset saved with them.
 */
async function crashedIngest(path: string, args: readonly string[]): Promise<{ crashed: Database; partial: number; offset: number }> {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const dbPath = join(dir, `crash-${n++}.duckdb`);
  const script = new URL('./fixtures/crash-during-ingest.ts', import.meta.url).pathname;
  const killed = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, path, dbPath, ...args]).then(() => null, (e: { signal?: string }) => e.signal);
  expect(killed).toBe('SIGKILL');
  const crashed = await openDatabase(dbPath);
  const partial = Number((await crashed.query('SELECT count(*) AS n FROM sessions')).rows[0]!['n']);
  const offset = Number((await crashed.query('SELECT lines FROM sources')).rows[0]!['lines']);
  return { crashed, partial, offset };
}

describe('ingest into DuckDB', () => {
  it('accounts for every line: lines = sessions + events + rejects + blank', async () => {
    const path = file([HTTP(1), '', DOWN, 'garbage \u001b[2J', NOSRV, TCP6, '   ', 'x'.repeat(70_000), HTTP(2)].join('\n'));
    const report = await ingestInputs(db, [path], { timeZone: 'UTC' });
    const t = report.totals;
    expect(t).toMatchObject({ linesRead: 9, sessions: 4, events: 1, rejects: 2, blank: 2, linesSkipped: 0 });
    expect(t.sessions + t.events + t.rejects + t.blank + t.linesSkipped + t.linesRolledBack).toBe(t.linesRead);
    // The store agrees with the report.
    expect(await one('SELECT (SELECT count(*) FROM sessions) s, (SELECT count(*) FROM events) e, (SELECT count(*) FROM rejects) r')).toEqual({ s: 4, e: 1, r: 2 });
    expect(await one('SELECT lines_read, sessions, events, rejects, blank FROM ingests')).toEqual({ lines_read: 9, sessions: 4, events: 1, rejects: 2, blank: 2 });
    const reasons = (await db.query('SELECT line_no, reason FROM rejects ORDER BY line_no')).rows;
    expect(reasons).toEqual([{ line_no: 4, reason: 'unknown_format' }, { line_no: 8, reason: 'too_long' }]);
  });

  it('stores typed columns and HAProxy -1 as NULL', async () => {
    await ingestInputs(db, [file([HTTP(40000), NOSRV, TCP6].join('\n'))], { timeZone: 'UTC' });
    const ws = await one("SELECT * EXCLUDE (extra, source) FROM sessions WHERE client_port = 40000");
    expect(ws).toMatchObject({
      line_no: 1, ts: '2026-11-22T04:05:06.123Z', format: 'httplog', host: 'lb1', pid: 77, client_ip: '127.0.0.1', frontend: 'fe_main', ssl: false,
      backend: 'be_ws', server: 'ws1', t_request_ms: 0, t_queue_ms: 0, t_connect_ms: 1, t_response_ms: 2, t_active_ms: 30005, t_total_ms: null,
      duration_ms: 30005, status: 101, bytes_read: 1234, termination: 'cD--', term_cause: 'c', term_state: 'D', term_cookie_client: '-',
      actconn: 5, feconn: 4, beconn: 3, srv_conn: 2, retries: 0, srv_queue: 0, backend_queue: 0, method: 'GET', uri: '/ws/chat',
      http_version: 'HTTP/1.1', upgrade_header: 'websocket', connection_header: 'Upgrade', upgraded: true, upgrade_requested: true, request_headers: 'websocket|Upgrade',
    });
    const nosrv = await one("SELECT server, t_queue_ms, t_connect_ms, t_response_ms, status, termination FROM sessions WHERE backend = 'be_hc'");
    expect(nosrv).toEqual({ server: '<NOSRV>', t_queue_ms: null, t_connect_ms: null, t_response_ms: null, status: 503, termination: 'SC--' });
    expect(await one("SELECT client_ip, format, t_total_ms, status FROM sessions WHERE format = 'tcplog'")).toEqual({ client_ip: '::1', format: 'tcplog', t_total_ms: 3000, status: null });
    // -1 never takes part in arithmetic.
    expect(await one("SELECT sum(t_connect_ms) AS s FROM sessions")).toEqual({ s: 1 });
  });

  it('keeps raw lines as evidence for failed sessions only, and invalid UTF-8 bytes exactly', async () => {
    const first = Buffer.from(HTTP(3, '?q=X'));
    first[first.indexOf('?q=X') + 3] = 0xff; // not valid UTF-8
    const bad = Buffer.concat([first, Buffer.from('\n' + HTTP(4).replace('cD--', '----') + '\n' + HTTP(5) + '\n')]);
    await ingestInputs(db, [file(bad)], { timeZone: 'UTC' });
    const rows = (await db.query('SELECT line_no, raw_bytes IS NOT NULL AS has_bytes, raw FROM raw_lines ORDER BY line_no')).rows;
    expect(rows).toEqual([{ line_no: 1, has_bytes: true, raw: first.toString('utf8') }, { line_no: 3, has_bytes: false, raw: HTTP(5) }]);
    expect(await one('SELECT invalid_utf8 FROM sessions WHERE line_no = 1')).toEqual({ invalid_utf8: true });
    // A valid line is kept in its session's row; one kept byte for byte, in raw_line_rows (once: not in the row too).
    expect((await db.query('SELECT line_no FROM session_rows WHERE raw IS NOT NULL')).rows).toEqual([{ line_no: 3 }]);
    expect((await db.query('SELECT line_no FROM raw_line_rows')).rows).toEqual([{ line_no: 1 }]);
  });

  it('does not store a file twice, and stores only the new lines of a grown file', async () => {
    const path = file([HTTP(1), HTTP(2)].join('\n') + '\n');
    await ingestInputs(db, [path]);
    const again = await ingestInputs(db, [path]);
    expect(again.totals).toMatchObject({ linesRead: 2, linesSkipped: 2, sessions: 0 });
    appendFileSync(path, HTTP(3) + '\n');
    const grown = await ingestInputs(db, [path]);
    expect(grown.totals).toMatchObject({ linesRead: 3, linesSkipped: 2, sessions: 1 });
    expect(await one('SELECT count(*) AS n, count(DISTINCT client_port) AS d FROM sessions')).toEqual({ n: 3, d: 3 });
  });

  it('recognises a rotated and compressed copy of an ingested file', async () => {
    const content = [HTTP(1), HTTP(2)].join('\n') + '\n';
    const live = file(content);
    await ingestInputs(db, [live]);
    const rotated = file(gzipSync(content));
    const report = await ingestInputs(db, [rotated]);
    expect(report.totals).toMatchObject({ linesSkipped: 2, sessions: 0 });
  });

  it('rolls back a corrupt gzip whole and keeps what was ingested before it', async () => {
    const good = file([HTTP(1), HTTP(2)].join('\n'));
    const gz = Buffer.from(gzipSync(Array.from({ length: 5000 }, (_, i) => HTTP(10000 + i)).join('\n')));
    gz[Math.floor(gz.length / 2)]! ^= 0xff;
    const corrupt = file(gz);
    const report = await ingestInputs(db, [good, corrupt]);
    expect(report.inputs[1]).toMatchObject({ status: 'corrupt', rolledBack: true });
    expect(report.totals.linesRolledBack).toBeGreaterThan(0);
    const t = report.totals;
    expect(t.sessions + t.events + t.rejects + t.blank + t.linesSkipped + t.linesRolledBack).toBe(t.linesRead);
    expect(await one('SELECT count(*) AS n FROM sessions')).toEqual({ n: 2 });
    expect(await one(`SELECT status FROM sources WHERE path = '${corrupt}'`)).toEqual({ status: 'corrupt' });
  });

  it('keeps the lines of a truncated gzip and stores its partial tail as a reject, not a session', async () => {
    const gz = gzipSync(Array.from({ length: 5000 }, (_, i) => HTTP(10000 + i)).join('\n'));
    const report = await ingestInputs(db, [file(gz.subarray(0, Math.floor(gz.length * 0.7)))]);
    expect(report.inputs[0]!.status).toBe('truncated');
    const t = report.totals;
    expect(t.sessions).toBeGreaterThan(100);
    expect(t.sessions + t.rejects).toBe(t.linesRead);
    const tail = await one("SELECT count(*) AS n FROM rejects WHERE reason = 'damaged_input'");
    expect(tail.n).toBeLessThanOrEqual(1);
    expect(t.rejects).toBe(tail.n);
  });

  it('resumes after a crash: killed mid-ingest, the next run stores every line once', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => HTTP(i));
    const path = file(lines.join('\n') + '\n');
    // Dies after 6 blocks of lines (about 1,200 each): past several commits (every 1000 lines), mid-transaction.
    const { crashed, partial, offset } = await crashedIngest(path, ['6']);
    // What was committed is exactly what the offset says: rows and offset share the transaction.
    expect(partial).toBe(offset);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(lines.length);
    const report = await ingestInputs(crashed, [path], { timeZone: 'UTC' });
    expect(report.totals.linesSkipped).toBe(offset);
    expect(await (async () => (await crashed.query('SELECT count(*) AS n, count(DISTINCT line_no) AS d, min(line_no) AS lo, max(line_no) AS hi FROM sessions')).rows[0])()).toEqual({ n: 20_000, d: 20_000, lo: 1, hi: 20_000 });
    crashed.close();
  });

  it('commits wide lines by their size, long before the line count is reached', async () => {
    // 2000 lines of about 4 KB (a long query string): 8 MB.
    const lines = Array.from({ length: 2000 }, (_, i) => HTTP(i, `?q=${'a'.repeat(4000)}`));
    const path = file(lines.join('\n') + '\n');
    // One commit per million lines, or per 1 Mi characters; killed after 16 blocks (a block is what one read of 256 KB completes).
    const { crashed, partial, offset } = await crashedIngest(path, ['16', '1000000', String(1024 * 1024)]);
    crashed.close();
    expect(partial).toBe(offset);
    // Committed by size: at least the first batches (counting lines alone would have committed nothing).
    expect(partial).toBeGreaterThanOrEqual(500);
    expect(partial).toBeLessThan(lines.length);
  });

  it('reports a failed COMMIT as itself, records it, and keeps what was committed before', async () => {
    const path = file(Array.from({ length: 3000 }, (_, i) => HTTP(i)).join('\n') + '\n');
    // DuckDB ends the transaction when a COMMIT fails (out of memory, say): the rollback that follows finds none.
    let commits = 0;
    const failing: Database = {
      ...db,
      run: async (sql, params) => {
        if (sql === 'COMMIT' && ++commits === 2) {
          await db.run('ROLLBACK');
          throw new Error('Failed to commit: out of memory (simulated)');
        }
        return db.run(sql, params);
      },
    };
    const failure = await ingestInputs(failing, [path], { timeZone: 'UTC', commitLines: 1000 }).then(() => null, (e: Error) => e.message);
    expect(failure).toBe('Failed to commit: out of memory (simulated)');
    // The first commit (1000 lines at least) stays; the input's failure is recorded.
    const kept = Number((await one('SELECT count(*) AS n FROM sessions')).n);
    expect(kept).toBeGreaterThanOrEqual(1000);
    expect(kept).toBeLessThan(3000);
    expect(await one("SELECT status, message FROM sources WHERE status = 'error'")).toEqual({ status: 'error', message: 'Failed to commit: out of memory (simulated)' });
  });

  it('reports a missing file and still ingests the others', async () => {
    const report = await ingestInputs(db, [join(dir, 'nope.log'), file(HTTP(1))]);
    expect(report.inputs.map((i) => i.status)).toEqual(['missing', 'ok']);
    expect(report.totals.sessions).toBe(1);
  });
});
