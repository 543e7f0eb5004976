/**
 * `wsdiag clickhouse-schema`: the DDL it prints runs as printed (on chdb: one server, and views over an export's
 * files), its --load statements load an export whole, and --cluster makes per-shard tables, Distributed tables
 * and replicated small tables. A real multi-node cluster is not tested here (README "Many proxies").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadChdb, type ChdbSession } from '../helpers/clickhouse-http.js';
import { ROOT, wsdiagInProcess } from '../helpers/run-cli.js';

const statements = (text: string): string[] => text.split(/;\n(?:\n|$)/).map((s) => s.trim()).filter(Boolean);

describe('clickhouse-schema for a cluster', () => {
  it('makes a local MergeTree per shard partitioned by day, a Distributed table over it, the small tables replicated', async () => {
    const r = await wsdiagInProcess('clickhouse-schema', '--cluster', 'fleet', '--database', 'ws');
    expect(r.code, r.stderr).toBe(0);
    const ddl = statements(r.stdout);
    expect(ddl[0]).toBe('CREATE DATABASE IF NOT EXISTS ws ON CLUSTER fleet');
    const sessionsLocal = ddl.find((s) => s.startsWith('CREATE TABLE IF NOT EXISTS ws.sessions_local ON CLUSTER fleet'))!;
    expect(sessionsLocal).toMatch(/ENGINE = MergeTree PARTITION BY log_day\nORDER BY \(log_day, ifNull\(backend, ''\)/);
    expect(ddl).toContain('CREATE TABLE IF NOT EXISTS ws.sessions ON CLUSTER fleet AS ws.sessions_local\nENGINE = Distributed(fleet, ws, sessions_local, cityHash64(node))');
    expect(ddl.find((s) => s.startsWith('CREATE TABLE IF NOT EXISTS ws.config_timeouts ON CLUSTER fleet'))).toMatch(/ReplicatedMergeTree\('\/clickhouse\/wsdiag\/\{database\}\/config_timeouts', '\{replica\}'\)/);
    expect(ddl.some((s) => s.startsWith('CREATE OR REPLACE VIEW ws.session_causes ON CLUSTER fleet AS'))).toBe(true);
    expect(ddl.some((s) => s.startsWith('CREATE OR REPLACE FUNCTION duration_bucket ON CLUSTER fleet AS (ms) ->'))).toBe(true);
    const load = await wsdiagInProcess('clickhouse-schema', '--cluster', 'fleet', '--database', 'ws', '--load', 's3://logs/wsdiag');
    expect(statements(load.stdout)[0]).toMatch(
      /^INSERT INTO ws\.sessions SELECT \* FROM s3Cluster\('fleet', 's3:\/\/logs\/wsdiag\/sessions\/\*\*\/\*\.parquet', 'Parquet', '.*'\) SETTINGS use_hive_partitioning = 0$/s,
    );
  });

  it('refuses names it would have to quote', async () => {
    const r = await wsdiagInProcess('clickhouse-schema', '--database', 'ws; DROP TABLE x');
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe("wsdiag clickhouse-schema: --database takes a plain name (letters, digits, _), not 'ws; DROP TABLE x'");
  });
});

const chdb = await loadChdb();
if (!chdb) {
  if (process.env['CI']) throw new Error('chdb is required in CI (npm ci installs it: an optional dependency of wsdiag)');
  console.warn('test/engine/clickhouse-schema.test.ts: running the DDL is skipped: chdb (optional dependency) is not installed');
}

describe.skipIf(!chdb)('clickhouse-schema on one server, as printed', () => {
  let work: string;
  let session: ChdbSession;
  let parquet: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'wsdiag-chschema-'));
    parquet = join(work, 'export');
    const r = await wsdiagInProcess('ingest', join(ROOT, 'samples/ws-httplog.log'), '--config', join(ROOT, 'samples/ws-httplog.cfg'), '--tz', 'UTC', '--parquet', parquet);
    expect(r.code, r.stderr).toBe(0);
    session = new chdb!.Session(join(work, 'chdb'));
  });

  afterAll(() => {
    session?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('creates the tables and views, and --load fills them with the export', async () => {
    const ddl = await wsdiagInProcess('clickhouse-schema', '--database', 'one');
    for (const s of statements(ddl.stdout)) session.query(s);
    const load = await wsdiagInProcess('clickhouse-schema', '--database', 'one', '--load', parquet);
    for (const s of statements(load.stdout)) session.query(s);
    const count = (sql: string): unknown => JSON.parse(session.query(sql, 'JSONEachRow').trim()) as unknown;
    expect(count('SELECT count() AS n FROM one.sessions')).toEqual({ n: 45 });
    expect(count('SELECT count() AS n FROM one.session_causes(since_ts = NULL, until_ts = NULL, backend_name = NULL)')).toEqual({ n: 45 });
    expect(count("SELECT count() AS n FROM one.config_timeouts WHERE proxy = 'be_ws'")).toEqual({ n: 6 });
    // Printed again, it changes nothing (IF NOT EXISTS, OR REPLACE): an upgrade of wsdiag re-creates the views.
    for (const s of statements(ddl.stdout)) session.query(s);
    expect(count('SELECT count() AS n FROM one.sessions')).toEqual({ n: 45 });
  });

  it('--files makes views over the export itself (clickhouse-local, chdb)', async () => {
    const ddl = await wsdiagInProcess('clickhouse-schema', '--database', 'files', '--files', parquet);
    for (const s of statements(ddl.stdout)) session.query(s);
    const rows = JSON.parse(session.query("SELECT cause, count() AS n FROM files.session_causes(since_ts = NULL, until_ts = NULL, backend_name = NULL) GROUP BY cause ORDER BY n DESC, cause LIMIT 1", 'JSONEachRow').trim()) as unknown;
    expect(rows).toEqual({ cause: 'ok', n: 22 });
  });
});
