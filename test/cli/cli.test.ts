import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { promisify } from 'node:util';
import { ROOT, wsdiagInProcess as wsdiag, wsdiag as wsdiagProcess } from '../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'wsdiag-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI as a user runs it, not a TTY: stdout/stderr/exit code (in-process; the spawned bin where it matters). */

const LOG = join(dir, 'h.log');
writeFileSync(
  LOG,
  [
    'Nov 22 04:05:06 lb1 haproxy[77]: 127.0.0.1:40000 [22/Nov/2026:04:05:06.123] fe be_ws/ws1 0/0/1/2/30005 101 1234 - - cD-- 5/4/3/2/0 0/0 {websocket|Upgrade} "GET /ws\u001b]0;pwned\u0007 HTTP/1.1"',
    'not a log line',
  ].join('\n'),
);

describe('wsdiag CLI', () => {
  it('runs as the package\'s bin, the file npx runs (built by npm install: executable, with a node shebang)', async () => {
    const bin = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin['wsdiag']!;
    const { stdout } = await promisify(execFile)(join(ROOT, bin), ['--help'], { cwd: ROOT });
    expect(stdout).toMatch(/^usage: wsdiag COMMAND/im);
  });

  it('exits 1 on usage errors: what is wrong in one line, then the usage line, and no stack trace', async () => {
    for (const args of [['nope'], ['ingest'], ['ingest', LOG, '--bogus'], ['query'], ['ingest', LOG, '--tz', 'Mars/Base']]) {
      const r = await wsdiag(...args);
      expect(r.code, args.join(' ')).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines[0], args.join(' ')).toMatch(/^wsdiag( \w+)?: /);
      expect(lines[1], args.join(' ')).toMatch(/^usage: wsdiag /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('exits 1 from the spawned bin too, and prints the help with --help', async () => {
    const bad = await wsdiagProcess('ingest', LOG, '--bogus');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^wsdiag ingest: unknown option '--bogus'\nusage: wsdiag ingest /);
    const help = await wsdiagProcess('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: wsdiag COMMAND/);
  });

  it.each([
    ['a directory as input', ['ingest', '/tmp'], /is a directory/],
    ['a report written onto a directory', ['report', 'samples/ws-tcplog.log', '--out', '/tmp'], /cannot write \/tmp/],
    ['a missing configuration', ['analyze', 'samples/ws-tcplog.log', '--config', '/nonexistent.cfg'], /nonexistent\.cfg: no such file/],
  ])('exits 2 on %s, in one line', async (_, args, message) => {
    const r = await wsdiag(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
  });

  it('exits 4 when the database cannot be opened, in one line', async () => {
    const r = await wsdiag('ingest', 'samples/ws-tcplog.log', '--db', '/nonexistent/dir/x.duckdb');
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^wsdiag ingest: [^\n]*\/nonexistent\/dir\/x\.duckdb[^\n]*\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
  });

  it.each(['analyze', 'report', 'sessions', 'query', 'export'])('%s --db of a file that does not exist exits 4 and creates nothing', async (command) => {
    // A mistyped --db in a scheduled report would otherwise analyse a new, empty database every day.
    const db = join(dir, `typo-${command}.duckdb`);
    const extra = command === 'query' ? ['SELECT 1'] : command === 'export' ? ['--parquet', join(dir, `typo-${command}-out`)] : [];
    const r = await wsdiag(command, '--db', db, ...extra);
    expect(r.code).toBe(4);
    expect(r.stderr).toBe(`wsdiag ${command}: cannot open database ${db}: no such file\n`);
    expect(existsSync(db)).toBe(false);
  });

  it('analyze --db of a new file with logs to read creates it', async () => {
    const db = join(dir, 'new-with-logs.duckdb');
    const r = await wsdiag('analyze', 'samples/ws-tcplog.log', '--db', db);
    expect(r.code).toBe(0);
    expect(existsSync(db)).toBe(true);
  });

  it('exits 2 on a missing input, in one line', async () => {
    const r = await wsdiag('ingest', join(dir, 'missing.log'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing\.log: no such file/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('ingests into a database file and queries it as table, json and csv', async () => {
    const db = join(dir, 'x.duckdb');
    const ingest = await wsdiag('ingest', LOG, '--db', db);
    expect(ingest.code).toBe(0);
    expect(ingest.stdout).toMatch(/total: 2 lines = 1 sessions \+ 0 events \+ 1 rejects \+ 0 blank/);
    const json = await wsdiag('query', 'SELECT backend, status, termination FROM sessions', '--db', db, '--format', 'json');
    expect(JSON.parse(json.stdout)).toEqual([{ backend: 'be_ws', status: 101, termination: 'cD--' }]);
    const csv = await wsdiag('query', 'SELECT backend, status FROM sessions', '--db', db, '--format', 'csv');
    expect(csv.stdout).toBe('backend,status\nbe_ws,101\n');
  });

  it('sessions streams jsonl and csv with the same records as the materialized json', async () => {
    const args = ['sessions', 'samples/ws-httplog.log', '--config', 'samples/ws-httplog.cfg'];
    const json = JSON.parse((await wsdiag(...args, '--format', 'json')).stdout) as Record<string, unknown>[];
    const jsonl = (await wsdiag(...args, '--format', 'jsonl')).stdout.trim().split('\n').map((l) => JSON.parse(l));
    const csv = (await wsdiag(...args, '--format', 'csv')).stdout.trim().split('\n');
    expect(json).toHaveLength(45);
    expect(jsonl).toEqual(json);
    expect(csv[0]).toBe('ts,client_ip,client_port,frontend,backend,server,status,termination,tt_ms,upgraded,cause,method,uri,http_version');
    expect(csv).toHaveLength(46);
    expect(Object.keys(json[0]!)).toEqual(['ts', 'client_ip', 'client_port', 'frontend', 'backend', 'server', 'status', 'termination', 'tt_ms', 'upgraded', 'cause', 'method', 'uri', 'http_version']);
    expect(json.find((r) => r['status'] === 101)).toMatchObject({ method: 'GET', http_version: 'HTTP/1.1', uri: expect.stringMatching(/^\//) });
  });

  it('never lets logged escape sequences reach the terminal', async () => {
    const r = await wsdiag('query', 'SELECT uri FROM sessions', LOG);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\\x1b]0;pwned\\x07');
    expect(r.stdout).not.toMatch(/\u001b/);
  });

  it('query has session_causes() and the other macros the README documents, and still locks typed SQL down', async () => {
    const r = await wsdiag('query', 'SELECT cause, cause_confidence FROM session_causes(NULL, NULL, NULL)', LOG, '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ cause: 'timeout.client', cause_confidence: 'guess' }]);
    const bursts = await wsdiag('query', 'SELECT count(*) AS n FROM mass_disconnect_bursts(NULL, NULL, NULL, 10)', LOG, '--format', 'json');
    expect(JSON.parse(bursts.stdout)).toEqual([{ n: 0 }]);
    const write = await wsdiag('query', "COPY (SELECT 1) TO '/tmp/wsdiag-never.csv'", LOG);
    expect(write.code).toBe(1);
  });

  it('exits 2 when no line was understood as a session, says what to pass, and never says "no problem"', async () => {
    // (A haproxy.cfg passed as the log is recognised by its shape before any line is read: exit 1, test/cli/operator.test.ts.)
    // A custom log-format without the configuration that declares it.
    const text = await wsdiag('analyze', 'samples/ws-custom.log');
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(/no session line was understood \(\d+ of \d+ lines rejected\): pass --config haproxy\.cfg or --log-format/);
    expect(text.stdout).not.toMatch(/No problem/);
    expect(text.stdout).toMatch(/!! \d+ line\(s\) rejected: unknown_format \(no session line was understood\)/);
    expect(text.stdout).toMatch(/pass the configuration HAProxy\s+ran with|--config haproxy\.cfg/);
    const custom = await wsdiag('analyze', 'samples/ws-custom.log', '--format', 'json');
    expect(custom.code).toBe(2);
    const a = JSON.parse(custom.stdout) as { findings: { kind: string; severity: string; id: string }[]; details: { rejects: { reason: string; count: number }[] } };
    expect(a.findings[0]).toMatchObject({ kind: 'rejects', severity: 'critical' });
    expect(a.details.rejects).toEqual([expect.objectContaining({ reason: 'unknown_format', count: 7 })]);
    // With it, the same file is understood: exit 0.
    expect((await wsdiag('analyze', 'samples/ws-custom.log', '--config', 'samples/ws-custom.cfg')).code).toBe(0);
  });

  it('keeps bound SQL safe: typed SQL cannot read files', async () => {
    const r = await wsdiag('query', "SELECT * FROM read_csv('/etc/passwd')", LOG);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/SQL error/);
  });
});
