import { existsSync, mkdtempSync, readFileSync, renameSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { expectContract } from '../helpers/contract.js';
import { wsdiagInProcess as wsdiag } from '../helpers/run-cli.js';

const GOLDEN = fileURLToPath(new URL('./golden/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'wsdiag-report-'));


/** Golden files: `UPDATE_GOLDEN=1 npx vitest run test/report` rewrites them; review the diff before committing. */
function golden(name: string, actual: string): void {
  const path = join(GOLDEN, name);
  if (process.env['UPDATE_GOLDEN'] || !existsSync(path)) writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('wsdiag report on the samples', () => {
  for (const format of ['markdown', 'json', 'html'] as const) {
    it(`${format} matches its golden file`, async () => {
      const r = await wsdiag('report', 'samples/ws-httplog.log', '--config', 'samples/ws-httplog.cfg', '--tz', 'UTC', '--compare', 'previous', '--format', format);
      expect(r.code).toBe(0);
      golden(`ws-httplog.${format === 'markdown' ? 'md' : format}`, r.stdout);
      if (format === 'json') expectContract(JSON.parse(r.stdout), 'report');
    });
  }

  it('JSON is the analyze contract plus window, comparison and thresholds', async () => {
    const r = await wsdiag('report', 'samples/ws-tcplog.log', '--config', 'samples/ws-tcplog.cfg', '--format', 'json', '--compare', '7d', '--fail-on', 'rejects > 0');
    const json = JSON.parse(r.stdout);
    expectContract(json, 'report');
    expect(json.comparison.mode).toBe('7d');
    expect(json.thresholds).toEqual([{ threshold: 'rejects > 0', value: 0, limit: 0, crossed: false, shown: '0' }]);
  });

  it('exits 3 when a threshold is crossed and says which, 0 otherwise, 1 on a bad expression', async () => {
    const crossed = await wsdiag('report', 'samples/ws-httplog.log', '--fail-on', 'rate(502) > 0.5%', '--fail-on', 'rate(502) > 50%');
    expect(crossed.code).toBe(3);
    expect(crossed.stderr).toMatch(/threshold crossed: rate\(502\) > 0.5% \(\d+\.\d\d %\)/);
    expect(crossed.stderr).not.toMatch(/50%/);
    expect((await wsdiag('report', 'samples/ws-httplog.log', '--fail-on', 'rate(502) > 50%')).code).toBe(0);
    const bad = await wsdiag('report', 'samples/ws-httplog.log', '--fail-on', 'rate(502) >> 1');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^wsdiag report: --fail-on: [^\n]*\nusage: wsdiag report [^\n]*\n$/);
  });
});

describe('hostile text in reports', () => {
  const uri = '/ws?q=<script>alert(1)</script>"\'`x`<img src=x onerror=alert(2)>';
  const log = join(dir, 'xss.log');
  writeFileSync(log, `127.0.0.1:40000 [22/Nov/2026:04:05:06.123] fe be_ws/ws1 0/0/1/-1/5 502 0 - - SH-- 1/1/1/1/0 0/0 {websocket|Upgrade} "GET ${uri} HTTP/1.1"\n`);

  it('HTML is inert: no tag, attribute or script from the log', async () => {
    const r = await wsdiag('report', log, '--format', 'html');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('<script>alert');
    expect(r.stdout).not.toContain('<img');
    expect(r.stdout).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&#96;x&#96;&lt;img');
    // The only script element is the inert JSON data block.
    expect(r.stdout.match(/<script/g)).toHaveLength(1);
    expect(r.stdout).toContain('<script type="application/json" id="wsdiag-data">');
    expect(r.stdout).toMatch(/Content-Security-Policy" content="default-src 'none'/);
  });

  it('Markdown is inert: HTML and code spans escaped', async () => {
    const r = await wsdiag('analyze', log, '--format', 'markdown');
    expect(r.stdout).not.toMatch(/<script>|<img/);
    // The advice's own code spans are kept as code, not escaped.
    expect(r.stdout).not.toContain('\\`');
    expect(r.stdout).toMatch(/`[^`]+`/);
  });
});

describe('incremental ingest for scheduled runs', () => {
  const line = (i: number) => `127.0.0.1:${10000 + i} [22/Nov/2026:04:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000] fe be_ws/ws1 0/0/1/2/100 101 10 - - ---- 1/1/1/1/0 0/0 "GET /ws HTTP/1.1"\n`;
  // Eight runs of the CLI, each a process that loads DuckDB: generous on a busy machine.
  it('rotates and appends between runs without counting a line twice or skipping one', { timeout: 180_000 }, async () => {
    const logs = mkdtempSync(join(dir, 'rot-'));
    const db = join(logs, 'wsdiag.duckdb');
    const live = join(logs, 'haproxy.log');
    const count = async (): Promise<{ n: number; d: number }> => {
      const r = await wsdiag('query', 'SELECT count(*) AS n, count(DISTINCT client_port) AS d FROM sessions', '--db', db, '--format', 'json');
      return JSON.parse(r.stdout)[0];
    };
    let next = 0;
    const write = (path: string, n: number) => { for (let i = 0; i < n; i++) appendFileSync(path, line(next++)); };

    write(live, 30);
    expect((await wsdiag('report', live, '--db', db)).code).toBe(0);
    expect(await count()).toEqual({ n: 30, d: 30 });

    write(live, 20); // appended before rotation
    renameSync(live, `${live}.1`); // logrotate: rename, new file
    write(live, 10);
    expect((await wsdiag('report', `${live}.1`, live, '--db', db)).code).toBe(0);
    expect(await count()).toEqual({ n: 60, d: 60 });

    // Next rotation: .1 is compressed to .2.gz, live becomes .1; a run with all three changes nothing new but the appended lines.
    writeFileSync(`${live}.2.gz`, gzipSync(readFileSync(`${live}.1`)));
    renameSync(live, `${live}.1`);
    write(`${live}.1`, 5);
    write(live, 7);
    expect((await wsdiag('report', `${live}.2.gz`, `${live}.1`, live, '--db', db)).code).toBe(0);
    expect(await count()).toEqual({ n: 72, d: 72 });

    // And again with nothing new: nothing changes.
    await wsdiag('report', `${live}.2.gz`, `${live}.1`, live, '--db', db);
    expect(await count()).toEqual({ n: 72, d: 72 });
    // Nine runs of the CLI one after the other: the timeout is generous for a busy machine.
  });

  it('--retain drops old rows', async () => {
    const logs = mkdtempSync(join(dir, 'ret-'));
    const db = join(logs, 'wsdiag.duckdb');
    const path = join(logs, 'old.log');
    writeFileSync(path, line(1).replace('22/Nov/2026', '01/Jan/2020') + line(2));
    await wsdiag('report', path, '--db', db, '--retain', '30d');
    const r = await wsdiag('query', 'SELECT count(*) AS n FROM sessions', '--db', db, '--format', 'json');
    expect(JSON.parse(r.stdout)).toEqual([{ n: 1 }]);
  });
});
