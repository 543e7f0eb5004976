/**
 * `--engine clickhouse://…` through its HTTP path (@clickhouse/client) against a server that speaks ClickHouse's
 * HTTP interface on 127.0.0.1 (chdb behind it, test/helpers/clickhouse-http.ts): the settings on every query,
 * values bound as parameters (a hostile one stays data), the commands' output equal to DuckDB's, typed SQL read
 * only, and what goes wrong said in one line with its exit code. The URL grammar and the value conversion are pure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLICKHOUSE_QUERIES_DIR, loadQueries } from '../../src/diagnose/load-queries.js';
import { clickhouseSchema, loadStatements } from '../../src/engine/clickhouse-schema.js';
import { EngineUrlError, parseClickHouseUrl } from '../../src/engine/clickhouse-url.js';
import { plainValue } from '../../src/engine/clickhouse-values.js';
import { loadChdb, serveClickHouseHttp, type ChdbSession, type ClickHouseHttp } from '../helpers/clickhouse-http.js';
import { ROOT, wsdiagInProcess } from '../helpers/run-cli.js';

describe('clickhouse:// URLs', () => {
  it.each([
    ['clickhouse://ops@ch1:8123/wsdiag', { httpUrl: 'http://ch1:8123', user: 'ops', password: '', database: 'wsdiag', shown: 'clickhouse://ops@ch1:8123/wsdiag' }],
    ['clickhouse://ops:s%40cret@ch1/logs', { httpUrl: 'http://ch1:8123', user: 'ops', password: 's@cret', database: 'logs', shown: 'clickhouse://ops@ch1:8123/logs' }],
    ['clickhouses://ch1', { httpUrl: 'https://ch1:8443', user: 'default', password: '', database: 'default', shown: 'clickhouses://default@ch1:8443/default' }],
  ])('%s', (url, target) => {
    expect(parseClickHouseUrl(url)).toEqual(target);
  });

  it.each(['http://ch1:8123/db', 'clickhouse:///db', 'ch1:8123', 'clickhouse://ch1/a/b'])('refuses %s', (url) => {
    expect(() => parseClickHouseUrl(url)).toThrow(EngineUrlError);
  });
});

describe('ClickHouse values become the store\'s plain values', () => {
  it.each([
    ['18446744073709551615', 'UInt64', '18446744073709551615'],
    ['42', 'Nullable(Int64)', 42],
    [null, 'Nullable(Int64)', null],
    ['2026-11-22 04:41:38.400000', "Nullable(DateTime64(6, 'UTC'))", '2026-11-22T04:41:38.400Z'],
    [true, 'Bool', true],
    [[1, null], 'Array(Nullable(Int32))', [1, null]],
    [{ a: '7', b: 'x' }, 'Tuple(a UInt64, b String)', { a: 7, b: 'x' }],
    [['7', 'x'], 'Tuple(UInt64, String)', [7, 'x']],
    [{ 10: '2' }, 'Map(Int64, UInt64)', { 10: 2 }],
    [{ directive: 'timeout tunnel', where: 'a.cfg:3' }, 'Variant(Tuple(directive String, `where` Nullable(String)))', { directive: 'timeout tunnel', where: 'a.cfg:3' }],
  ])('%j as %s', (value, type, plain) => {
    expect(plainValue(value, type)).toEqual(plain);
  });
});

const chdb = await loadChdb();
if (!chdb) {
  if (process.env['CI']) throw new Error('chdb is required in CI (npm ci installs it: an optional dependency of wsdiag)');
  console.warn('test/engine/clickhouse-engine.test.ts: the HTTP tests are skipped: chdb (optional dependency) is not installed');
}

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.skipIf(!chdb)('--engine over HTTP on 127.0.0.1', () => {
  let work: string;
  let session: ChdbSession;
  let http: ClickHouseHttp;
  let db: string;
  let url: string;
  const log = join(ROOT, 'samples/ws-httplog.log');
  const cfg = join(ROOT, 'samples/ws-httplog.cfg');

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'wsdiag-ch-'));
    db = join(work, 'ws.duckdb');
    const parquet = join(work, 'export');
    const ingest = await wsdiagInProcess('ingest', log, '--config', cfg, '--tz', 'UTC', '--db', db, '--parquet', parquet, '--node', 'lb1');
    expect(ingest.code, ingest.stderr).toBe(0);
    session = new chdb!.Session(join(work, 'chdb'));
    session.query('SET max_threads = 1');
    const setup = [...loadQueries(CLICKHOUSE_QUERIES_DIR).values()].filter((q) => q.kind === 'setup');
    for (const statement of clickhouseSchema({ database: 'wsdiag', cluster: null, setup })) session.query(statement);
    for (const statement of loadStatements({ database: 'wsdiag', cluster: null, setup, from: parquet })) session.query(statement);
    http = await serveClickHouseHttp(session);
    url = http.url('ops', 'wsdiag');
  });

  afterAll(async () => {
    await http?.close();
    session?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('analyze, report and sessions print what they print over the store', async () => {
    for (const args of [['analyze', '--format', 'json'], ['report', '--format', 'json', '--since', '2026-11-22 04:41:38', '--until', '2026-11-22 04:42:00'], ['sessions', '--format', 'csv', '--backend', 'be_ws']]) {
      const store = await wsdiagInProcess(...args, '--db', db, '--tz', 'UTC');
      const ch = await wsdiagInProcess(...args, '--engine', url, '--tz', 'UTC');
      expect(ch.stderr).toBe('');
      expect(ch.code).toBe(store.code);
      // Where the data was read is the one difference.
      const where = (text: string): string => text.replace(/"database": "[^"]*"/g, '"database": "…"');
      expect(where(ch.stdout)).toBe(where(store.stdout));
      expect(ch.stdout.length).toBeGreaterThan(200);
    }
  });

  it('sends the settings that keep ClickHouse\'s results DuckDB\'s on every query, and the user of the URL', async () => {
    const before = http.requests.length;
    const r = await wsdiagInProcess('analyze', '--engine', url, '--format', 'json');
    expect(r.code).toBe(0);
    const requests = http.requests.slice(before);
    expect(requests.length).toBeGreaterThan(15);
    for (const request of requests) {
      expect(request.user).toBe('ops');
      expect(request.database).toBe('wsdiag');
      // Without them ClickHouse answers differently from DuckDB, silently (issue 19's findings).
      for (const name of ['join_use_nulls', 'aggregate_functions_null_for_empty', 'cast_keep_nullable', 'prefer_column_name_to_alias']) {
        expect(request.settings[name], `${name} in ${request.query.slice(0, 60)}`).toBe('1');
      }
    }
  });

  it('binds values as parameters: a hostile backend name is data, and finds nothing', async () => {
    const hostile = "be_ws') OR 1=1 OR (backend = '";
    const before = http.requests.length;
    const r = await wsdiagInProcess('sessions', '--engine', url, '--backend', hostile, '--format', 'csv');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const sent = http.requests.slice(before);
    expect(sent.some((q) => q.params['backend'] === hostile)).toBe(true);
    expect(sent.every((q) => !q.query.includes(hostile))).toBe(true);
    const ok = await wsdiagInProcess('sessions', '--engine', url, '--backend', 'be_ws', '--format', 'csv');
    expect(ok.stdout.trim().split('\n').length).toBeGreaterThan(1);
  });

  it('query runs typed SQL over the tables and session_causes, and changes nothing', async () => {
    const r = await wsdiagInProcess('query', "SELECT cause, count() AS n FROM session_causes(since_ts = NULL, until_ts = NULL, backend_name = NULL) GROUP BY cause ORDER BY n DESC, cause LIMIT 2", '--engine', url, '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ cause: 'ok', n: 22 }, { cause: 'proxy.deny', n: 3 }]);
    const write = await wsdiagInProcess('query', 'DROP TABLE sessions', '--engine', url);
    expect(write.code).toBe(1);
    expect(write.stderr.split('\n')[0]).toMatch(/^wsdiag query: SQL error: .*readonly/);
    const still = await wsdiagInProcess('query', 'SELECT count() AS n FROM sessions', '--engine', url, '--format', 'json');
    expect(JSON.parse(still.stdout)).toEqual([{ n: 45 }]);
  });

  it('an unreachable server: one line, exit 4; a URL that is none: exit 1', async () => {
    const port = await closedPort();
    const r = await wsdiagInProcess('analyze', '--engine', `clickhouse://ops@127.0.0.1:${port}/wsdiag`);
    expect(r.code).toBe(4);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^wsdiag analyze: cannot reach ClickHouse at clickhouse://ops@127\\.0\\.0\\.1:${port}/wsdiag: .*ECONNREFUSED`))]);
    const bad = await wsdiagInProcess('analyze', '--engine', 'postgres://ops@127.0.0.1/wsdiag');
    expect(bad.code).toBe(1);
    expect(bad.stderr.split('\n')[0]).toBe("wsdiag analyze: --engine takes clickhouse://user@host:8123/database (or clickhouses:// for HTTPS), not the scheme 'postgres'");
  });

  it('a database without wsdiag\'s tables: one line that says how to make them, exit 4', async () => {
    session.query('CREATE DATABASE IF NOT EXISTS empty_db');
    const r = await wsdiagInProcess('analyze', '--engine', http.url('ops', 'empty_db'));
    expect(r.code).toBe(4);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^wsdiag analyze: clickhouse:\/\/ops@127\.0\.0\.1:\d+\/empty_db has no wsdiag tables \(sessions, .*\): create them with wsdiag clickhouse-schema/)]);
  });
});
