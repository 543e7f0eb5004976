/**
 * What an operator runs into: files given in the wrong place, query's argument order and its read-only
 * database, what an analysis of a database with history covers, and the accounting that reconciles the figures.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectContract } from '../helpers/contract.js';
import { runInProcess, wsdiagInProcess as wsdiag } from '../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'wsdiag-operator-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const dbPath = (): string => join(dir, `db${n++}.duckdb`);

describe('a file in the wrong place is recognised by its shape', () => {
  const db = join(dir, 'shape.duckdb');

  it.each([
    ['analyze haproxy.cfg', ['analyze', 'samples/ws-httplog.cfg'], /samples\/ws-httplog\.cfg is a HAProxy configuration, not a log: give it with --config/],
    ['config haproxy.log', ['config', 'samples/ws-httplog.log'], /samples\/ws-httplog\.log is a HAProxy log, not a configuration: wsdiag config reads a haproxy\.cfg \(for a log: wsdiag analyze samples\/ws-httplog\.log --config haproxy\.cfg\)/],
    ['lint haproxy.log', ['lint', 'samples/ws-tcplog.log'], /is a HAProxy log, not a configuration/],
    ['analyze --config haproxy.log', ['analyze', 'samples/ws-tcplog.log', '--config', 'samples/ws-httplog.log'], /ws-httplog\.log is a HAProxy log, not a configuration: give it as a FILE/],
    ['sessions --db haproxy.log', ['sessions', 'samples/ws-tcplog.log', '--db', 'samples/ws-httplog.log'], /ws-httplog\.log is a HAProxy log, not a database/],
  ])('%s: says what to do instead, exit 1, nothing read', async (_, args, message) => {
    const r = await wsdiag(...args);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toMatch(message);
  });

  it('tui a.duckdb (a database without --db): use --db', async () => {
    expect((await wsdiag('ingest', 'samples/ws-tcplog.log', '--db', db)).code).toBe(0);
    for (const command of ['tui', 'analyze', 'sessions', 'ingest']) {
      const r = await wsdiag(command, db);
      expect(r.code, command).toBe(1);
      expect(r.stderr.split('\n')[0]).toBe(`wsdiag ${command}: ${db} is a wsdiag database, not a log: give it with --db (wsdiag ${command} --db ${db})`);
    }
  });

  it('a custom-format log it cannot parse without its configuration is still taken as a log', async () => {
    const r = await wsdiag('sessions', 'samples/ws-custom.log', '--config', 'samples/ws-custom.cfg', '--format', 'csv');
    expect(r.code).toBe(0);
  });
});

describe('query', () => {
  it('takes the SQL and the FILEs in either order', async () => {
    const sql = 'SELECT count(*) AS n FROM sessions';
    const straight = await wsdiag('query', sql, 'samples/ws-httplog.log', '--format', 'json');
    const swapped = await wsdiag('query', 'samples/ws-httplog.log', sql, '--format', 'json');
    expect(straight.code).toBe(0);
    expect(swapped).toEqual(straight);
    expect(JSON.parse(swapped.stdout)).toEqual([{ n: 45 }]);
  });

  it('offers session_causes() to typed SQL', async () => {
    const r = await wsdiag('query', "SELECT count(*) AS n FROM session_causes(NULL, NULL, NULL) WHERE cause = 'no-server'", 'samples/ws-httplog.log', '--config', 'samples/ws-httplog.cfg', '--format', 'json');
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([{ n: 2 }]);
  });

  it('opens --db read-only: DELETE fails and says --write; with --write it changes the database', async () => {
    const db = dbPath();
    await wsdiag('ingest', 'samples/ws-httplog.log', '--db', db);
    const refused = await wsdiag('query', 'DELETE FROM session_rows', '--db', db);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/read-only.*add --write/);
    const count = async (): Promise<unknown> => JSON.parse((await wsdiag('query', 'SELECT count(*) AS n FROM sessions', '--db', db, '--format', 'json')).stdout);
    expect(await count()).toEqual([{ n: 45 }]);
    expect((await wsdiag('query', 'DELETE FROM session_rows WHERE status = 101', '--db', db, '--write')).code).toBe(0);
    expect(await count()).toEqual([{ n: 18 }]);
  });

  it('ingests FILEs into --db, then runs the SQL read-only', async () => {
    const db = dbPath();
    const r = await wsdiag('query', 'SELECT count(*) AS n FROM sessions', 'samples/ws-tcplog.log', '--db', db, '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse((await wsdiag('query', 'SELECT count(*) AS n FROM sessions', '--db', db, '--format', 'json')).stdout)).toEqual(JSON.parse(r.stdout));
  });

  it('says which argument it takes for the SQL when it cannot tell', async () => {
    const r = await wsdiag('query', 'no-such.log', 'SELECT 1');
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe("wsdiag query: query takes the SQL first, then FILEs: 'no-such.log' is taken as the SQL, and 'SELECT 1' is not a file");
  });

  it('refuses a file that is not a wsdiag database', async () => {
    const other = join(dir, 'other.duckdb');
    copyFileSync('samples/ws-httplog.cfg', other);
    expect((await wsdiag('query', 'SELECT 1', '--db', other)).stderr).toMatch(/is a HAProxy configuration, not a database/);
    expect((await wsdiag('query', 'SELECT 1', '--db', join(dir, 'missing.duckdb'))).stderr).toMatch(/missing\.duckdb: no such file/);
  });
});

describe('analyze FILE --db with history', () => {
  it('says its scope, and --only-inputs analyses only what this run read', async () => {
    const db = dbPath();
    await wsdiag('ingest', 'samples/ws-tcplog.log', '--db', db);
    const all = await wsdiag('analyze', 'samples/ws-httplog.log', '--db', db, '--format', 'json');
    const mine = await wsdiag('analyze', 'samples/ws-httplog.log', '--db', db, '--only-inputs', '--format', 'json');
    const memory = await wsdiag('analyze', 'samples/ws-httplog.log', '--format', 'json');
    const [a, m, alone] = [all, mine, memory].map((r) => JSON.parse(r.stdout));
    for (const json of [a, m, alone]) expectContract(json, 'analysis');
    expect(a.summary.sessions).toBe(alone.summary.sessions + 11);
    expect(a.scope).toMatchObject({ database: db, only_inputs: false, inputs: ['samples/ws-httplog.log'] });
    expect(m.scope).toMatchObject({ database: db, only_inputs: true });
    expect(m.summary.sessions).toBe(alone.summary.sessions);
    expect(m.errors).toEqual(alone.errors);
    const text = await wsdiag('analyze', 'samples/ws-httplog.log', '--db', db);
    expect(text.stdout.split('\n')[1]).toBe(`scope: everything in ${db} (4 ingest runs), not only this run's inputs (--only-inputs for those); all backends; all time`);
    expect((await wsdiag('analyze', 'samples/ws-httplog.log', '--only-inputs')).stderr).toMatch(/--only-inputs goes with --db/);
  });
});

describe('the accounting', () => {
  it('adds up in summary, and summary.lines does not count lines read again by later runs', async () => {
    const db = dbPath();
    const log = join(dir, 'grow.log');
    const lines = readFileSync('samples/ws-httplog.log', 'utf8').trimEnd().split('\n');
    writeFileSync(log, lines.slice(0, 40).join('\n') + '\n\nnot a log line\n');
    await wsdiag('ingest', log, '--db', db);
    writeFileSync(log, lines.slice(0, 40).join('\n') + '\n\nnot a log line\n' + lines.slice(40).join('\n') + '\n');
    const r = JSON.parse((await wsdiag('analyze', log, '--db', db, '--format', 'json')).stdout);
    expectContract(r, 'analysis');
    const a = r.summary.accounting;
    expect(a.lines_read).toBe(a.sessions + a.events + a.rejects + a.blank + a.already_ingested + a.rolled_back);
    expect(a).toMatchObject({ lines_read: 42 + 69, already_ingested: 42, blank: 1, rejects: 1, ingests: 2 });
    // Each stored line once: the 67 lines of the log, the blank one and the garbage.
    expect(r.summary.lines).toBe(69);
    expect(r.summary.sessions + r.summary.events + r.summary.rejects + a.blank).toBe(r.summary.lines);
  });

  it('is in the text, markdown and HTML headers', async () => {
    const line = '67 lines read = 45 sessions + 22 events + 0 rejects + 0 blank + 0 already ingested + 0 rolled back';
    expect((await wsdiag('analyze', 'samples/ws-httplog.log')).stdout).toContain(`lines: ${line}`);
    expect((await wsdiag('analyze', 'samples/ws-httplog.log', '--format', 'markdown')).stdout).toContain(`Lines: ${line}.`);
    expect((await wsdiag('report', 'samples/ws-httplog.log', '--format', 'html')).stdout).toContain(`Lines: ${line}.`);
  });
});

describe('report windows', () => {
  it('--since alone ends now, in ISO 8601 UTC, in the header and the JSON', async () => {
    const md = await wsdiag('report', 'samples/ws-httplog.log', '--since', '24h');
    expect(md.stdout.split('\n')[0]).toMatch(/^# wsdiag report \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z – \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const json = JSON.parse((await wsdiag('report', 'samples/ws-httplog.log', '--since', '1.5h', '--format', 'json')).stdout);
    expectContract(json, 'report');
    const since = Date.parse(json.window.since);
    expect(Date.parse(json.window.until) - since).toBeCloseTo(5_400_000, -3);
    expect(json.scope.since).toBe(json.window.since);
  });

  it('a health-check finding needs its event inside the window', async () => {
    const inside = JSON.parse((await wsdiag('analyze', 'samples/ws-httplog.log', '--config', 'samples/ws-httplog.cfg', '--format', 'json')).stdout);
    expect(inside.findings[0].title).toMatch(/Health check of be_hc\/hc1 gets 101/);
    expectContract(inside, 'analysis');
    const later = JSON.parse((await wsdiag('analyze', 'samples/ws-httplog.log', '--config', 'samples/ws-httplog.cfg', '--since', '2026-11-22T04:41:39Z', '--format', 'json')).stdout);
    expect(later.findings.map((f: { title: string }) => f.title).join('\n')).not.toMatch(/Health check/);
  });
});

describe('JSON on a terminal', () => {
  it('escapes what a terminal would act on, and is the same data; to a pipe it is exact', async () => {
    const cfg = join(dir, 'evil.cfg');
    writeFileSync(cfg, 'frontend fe\u009b2J\n  bind 127.0.0.1:80\n  default_backend be\nbackend be\n  server s1 127.0.0.1:1\n');
    for (const command of ['config']) {
      const tty = await runInProcess([command, cfg, '--format', 'json'], { tty: true });
      const pipe = await wsdiag(command, cfg, '--format', 'json');
      expect(pipe.stdout, command).toContain('\u009b');
      expect(tty.stdout, command).not.toContain('\u009b');
      expect(JSON.parse(tty.stdout)).toEqual(JSON.parse(pipe.stdout));
    }
    const log = join(dir, 'evil.log');
    writeFileSync(log, readFileSync('samples/ws-tcplog.log', 'utf8').replaceAll('bk_nosrv', 'bk_\u009b2J'));
    const tty = await runInProcess(['sessions', log, '--format', 'csv'], { tty: true });
    expect(tty.stdout).toContain('bk_\\x9b2J');
    expect((await wsdiag('sessions', log, '--format', 'csv')).stdout).toContain('bk_\u009b2J');
  });
});
