/**
 * The Parquet export: incremental (only new lines, across ingests, a rotation, --db or not, `export`), safe to read
 * while written (final names only, never a temporary file in a table's folder), an export that stopped half way
 * redone without a row twice, a stub for each empty table, partition values that are never NULL, and bad
 * directories refused in one line with a documented exit code.
 */
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScreenSource } from '../../src/diagnose/screen-source.js';
import { openDatabase, type Row } from '../../src/store/database.js';
import { openParquetDatabase } from '../../src/store/parquet-database.js';
import { exportParquet } from '../../src/store/parquet-export.js';
import { MANIFEST_FILE } from '../../src/store/parquet-layout.js';
import { ROOT, wsdiagInProcess } from '../helpers/run-cli.js';

const SAMPLE = readFileSync(join(ROOT, 'samples/ws-httplog.log'), 'utf8').trimEnd().split('\n');
const CONFIG = join(ROOT, 'samples/ws-httplog.cfg');

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'wsdiag-parquet-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

async function rows(dir: string, sql: string): Promise<Row[]> {
  const db = await openParquetDatabase(dir);
  try {
    return [...(await db.query(sql)).rows];
  } finally {
    db.close();
  }
}

/** Every file under a table's folder, relative to the export. */
function tableFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.parquet') || f.includes('.tmp') || f.startsWith('.incoming'));
}

/** What one ingest of the whole sample stores: the reference every incremental export must add up to. */
async function wholeSample(): Promise<Row[]> {
  const log = join(work, 'whole.log');
  writeFileSync(log, `${SAMPLE.join('\n')}\n`);
  const dir = join(work, 'whole');
  expect((await wsdiagInProcess('ingest', log, '--tz', 'UTC', '--parquet', dir, '--node', 'lb1')).code).toBe(0);
  return rows(dir, 'SELECT ts, client_ip, client_port, backend, server, status, termination FROM sessions ORDER BY ALL');
}

describe('ingest --parquet DIR', () => {
  it('appends only new lines across two ingests and a rotation, without --db: no row twice, none missing', async () => {
    const log = join(work, 'haproxy.log');
    const dir = join(work, 'export');
    const ingest = (...files: string[]) => wsdiagInProcess('ingest', ...files, '--tz', 'UTC', '--config', CONFIG, '--parquet', dir, '--node', 'lb1');
    writeFileSync(log, `${SAMPLE.slice(0, 20).join('\n')}\n`);
    const first = await ingest(log);
    expect(first.code, first.stderr).toBe(0);
    appendFileSync(log, `${SAMPLE.slice(20, 40).join('\n')}\n`);
    const second = await ingest(log);
    expect(second.stdout).toContain('20 already ingested');
    // Rotation by rename: the old file (read up to line 40 before, 45 lines now) and a new one.
    appendFileSync(log, `${SAMPLE.slice(40, 45).join('\n')}\n`);
    renameSync(log, `${log}.1`);
    writeFileSync(log, `${SAMPLE.slice(45).join('\n')}\n`);
    const third = await ingest(`${log}.1`, log);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toContain('40 already ingested');

    const lines = await rows(dir, 'SELECT node, source_id, line_no, count(*) AS n FROM (SELECT node, source_id, line_no FROM read_parquet(' +
      `'${dir}/sessions/**/*.parquet') UNION ALL SELECT node, source_id, line_no FROM read_parquet('${dir}/events/**/*.parquet')) GROUP BY ALL HAVING count(*) > 1`);
    expect(lines).toEqual([]);
    const sessions = await rows(dir, 'SELECT ts, client_ip, client_port, backend, server, status, termination FROM sessions ORDER BY ALL');
    expect(sessions).toEqual(await wholeSample());
    const accounting = await rows(dir, 'SELECT sum(lines_read) AS read, sum(lines_skipped) AS skipped, count(*) AS runs FROM ingests');
    expect(accounting).toEqual([{ read: 20 + 40 + 67, skipped: 20 + 40, runs: 3 }]);
    // The newest version of each source: the rotated file with its 45 lines, the new one with the rest.
    expect(await rows(dir, 'SELECT lines FROM sources ORDER BY source_id')).toEqual([{ lines: 45 }, { lines: 22 }]);
    // The configuration, written once by this node, whole.
    expect(await rows(dir, "SELECT count(*) AS n FROM config_timeouts WHERE proxy = 'be_ws' AND name = 'tunnel'")).toEqual([{ n: 1 }]);
  });

  it('with --db and through export: the same rows, each once, and nothing new written twice', async () => {
    const log = join(work, 'haproxy.log');
    const db = join(work, 'ws.duckdb');
    const viaIngest = join(work, 'via-ingest');
    const viaExport = join(work, 'via-export');
    writeFileSync(log, `${SAMPLE.slice(0, 30).join('\n')}\n`);
    expect((await wsdiagInProcess('ingest', log, '--tz', 'UTC', '--db', db, '--parquet', viaIngest, '--node', 'lb1')).code).toBe(0);
    expect((await wsdiagInProcess('export', '--db', db, '--parquet', viaExport, '--node', 'lb1')).code).toBe(0);
    appendFileSync(log, `${SAMPLE.slice(30).join('\n')}\n`);
    expect((await wsdiagInProcess('ingest', log, '--tz', 'UTC', '--db', db, '--parquet', viaIngest, '--node', 'lb1')).code).toBe(0);
    const exported = await wsdiagInProcess('export', '--db', db, '--parquet', viaExport, '--node', 'lb1');
    expect(exported.stdout).toMatch(/^.*ws\.duckdb: \d+ sessions, .* → /);
    const again = await wsdiagInProcess('export', '--db', db, '--parquet', viaExport, '--node', 'lb1');
    expect(again.stdout).toContain('nothing new');
    const whole = await wholeSample();
    for (const dir of [viaIngest, viaExport]) {
      expect(await rows(dir, 'SELECT ts, client_ip, client_port, backend, server, status, termination FROM sessions ORDER BY ALL')).toEqual(whole);
    }
    // The export's manifest lists the exports that wrote something.
    const manifest = JSON.parse(readFileSync(join(viaExport, MANIFEST_FILE), 'utf8')) as { schema_version: number; exports: unknown[] };
    expect(manifest.schema_version).toBe(1);
    expect(manifest.exports).toHaveLength(2);
  });

  it('an export stopped half way (files moved, manifest not written) is redone: its files deleted, no row twice', async () => {
    const log = join(work, 'haproxy.log');
    writeFileSync(log, `${SAMPLE.join('\n')}\n`);
    const dbPath = join(work, 'ws.duckdb');
    expect((await wsdiagInProcess('ingest', log, '--tz', 'UTC', '--db', dbPath)).code).toBe(0);
    const dir = join(work, 'export');
    const db = await openDatabase(dbPath, { readOnly: true });
    try {
      const stopped = await exportParquet(db, dir, { node: 'lb1', writtenBy: 'test', exportId: 'stopped', stopAfterFiles: 2 });
      expect(stopped.exportId).toBeNull();
      expect(tableFiles(dir).some((f) => f.includes('part-stopped-'))).toBe(true);
      const done = await exportParquet(db, dir, { node: 'lb1', writtenBy: 'test', exportId: 'done' });
      expect(done.rows['sessions']).toBe(45);
    } finally {
      db.close();
    }
    expect(tableFiles(dir).filter((f) => f.includes('stopped') || f.includes('.incoming') || f.includes('.tmp'))).toEqual([]);
    expect(await rows(dir, 'SELECT count(*) AS n, count(DISTINCT line_no) AS lines FROM sessions')).toEqual([{ n: 45, lines: 45 }]);
  });

  it('lays out final names only, a stub for each empty table, partitions never NULL', async () => {
    const log = join(work, 'haproxy.log');
    // One line in a syslog envelope (a host), one with neither a time nor a host that any format reads (a reject).
    writeFileSync(log, `Nov 22 04:41:38 lb-1.example haproxy[7]: ${SAMPLE.find((l) => l.includes(' fe_ws be_web/'))}\nnot a log line\n`);
    const dir = join(work, 'export');
    expect((await wsdiagInProcess('ingest', log, '--tz', 'UTC', '--parquet', dir, '--node', 'node-a')).code).toBe(0);
    const files = tableFiles(dir).sort();
    for (const f of files) expect(f).toMatch(/^[a-z_]+\/log_day=(\d{4}-\d\d-\d\d|none)\/log_host=[A-Za-z0-9._-]+\/(part-[0-9a-f-]+-\d+|stub|config-\d+)\.parquet$/);
    expect(files).toContain('sessions/log_day=2026-11-22/log_host=lb-1.example/' + files.find((f) => f.startsWith('sessions/log_day=2026'))!.split('/').pop());
    expect(files).toContain('events/log_day=none/log_host=none/stub.parquet');
    expect(files.some((f) => f.startsWith('rejects/log_day=none/log_host=none/part-'))).toBe(true);
    expect(await rows(dir, 'SELECT count(*) AS n FROM events')).toEqual([{ n: 0 }]);
    expect(await rows(dir, 'SELECT host FROM sessions')).toEqual([{ host: 'lb-1.example' }]);
    const analysis = await wsdiagInProcess('analyze', '--parquet', dir, '--format', 'json');
    expect(analysis.code, analysis.stderr).toBe(0);
    expect((JSON.parse(analysis.stdout) as { summary: { sessions: number; rejects: number } }).summary).toMatchObject({ sessions: 1, rejects: 1 });
  });
});

describe('a directory that is not a wsdiag export, or a newer one', () => {
  it('is refused in one line: exit 1 for the wrong kind of directory, 4 for a schema this wsdiag cannot read', async () => {
    const other = join(work, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'hello');
    for (const args of [['analyze', '--parquet', other], ['ingest', join(ROOT, 'samples/ws-httplog.log'), '--parquet', other], ['export', '--db', join(work, 'x.duckdb'), '--parquet', other]]) {
      const r = await wsdiagInProcess(...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr.split('\n')[0]).toBe(`wsdiag ${args[0]}: ${other} is not a wsdiag Parquet export (no ${MANIFEST_FILE}): give the directory ingest --parquet or export wrote, or a new one`);
    }
    const missing = await wsdiagInProcess('sessions', '--parquet', join(work, 'nowhere'));
    expect(missing.code).toBe(1);
    expect(missing.stderr.split('\n')[0]).toMatch(/^wsdiag sessions: .*nowhere is not a wsdiag Parquet export \(no such directory, or an empty one\)/);

    const dir = join(work, 'export');
    expect((await wsdiagInProcess('ingest', join(ROOT, 'samples/ws-tcplog.log'), '--parquet', dir)).code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify({ ...manifest, schema_version: 99 }));
    for (const args of [['analyze', '--parquet', dir], ['ingest', join(ROOT, 'samples/ws-tcplog.log'), '--parquet', dir]]) {
      const r = await wsdiagInProcess(...args);
      expect(r.code).toBe(4);
      expect(r.stderr.trim().split('\n')).toEqual([`wsdiag ${args[0]}: ${dir} holds Parquet schema version 99, newer than this wsdiag reads (1): upgrade wsdiag`]);
    }
    expect(existsSync(join(dir, 'sessions'))).toBe(true);
  });
});

describe('the screens over an export (tui --parquet)', () => {
  it('load and drill down to the same data as over the store, typed SQL reads the export and nothing else', async () => {
    const log = join(work, 'haproxy.log');
    writeFileSync(log, `${SAMPLE.join('\n')}\n`);
    const dbPath = join(work, 'ws.duckdb');
    const dir = join(work, 'export');
    expect((await wsdiagInProcess('ingest', log, '--config', CONFIG, '--tz', 'UTC', '--db', dbPath, '--parquet', dir)).code).toBe(0);
    const store = await openDatabase(dbPath, { readOnly: true });
    const parquet = await openParquetDatabase(dir);
    const sources = [createScreenSource(store, { config: null, windowMs: null }), createScreenSource(parquet, { config: null, windowMs: null })];
    try {
      const [a, b] = await Promise.all(sources.map((s) => s.load()));
      // What was read is the one difference.
      expect({ ...b!, analysis: { ...b!.analysis, scope: { ...b!.analysis.scope, database: 'db' } } })
        .toEqual({ ...a!, analysis: { ...a!.analysis, scope: { ...a!.analysis.scope, database: 'db' } } });
      expect(b!.analysis.scope.database).toBe(dir);
      expect(a!.analysis.errors.length).toBeGreaterThan(3);
      const group = a!.analysis.errors[0]!;
      const query = { target: { kind: 'error' as const, backend: group.backend, server: group.server, status: group.status, cause: group.cause }, since: null, order: 'asc' as const, filter: null };
      const pages = await Promise.all(sources.map((s) => s.drillPage(query, { anchor: null, inclusive: false, backward: false, limit: 10 })));
      expect(pages[1]).toEqual(pages[0]);
      expect(pages[0]!.length).toBe(group.count);
      const sql = await sources[1]!.runSql('SELECT count(*) AS n FROM sessions');
      expect(sql.rows).toEqual([{ n: 45 }]);
      await expect(sources[1]!.runSql("SELECT * FROM read_csv('/etc/passwd')")).rejects.toThrow(/disabled by configuration|Permission/);
    } finally {
      for (const s of sources) await s.close();
      store.close();
      parquet.close();
    }
  });
});
