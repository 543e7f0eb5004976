import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/store/database.js';
import { LIVE_DATABASE } from '../../src/pipeline/live-policy.js';

const opened: Database[] = [];
afterEach(() => {
  for (const db of opened.splice(0).reverse()) db.close();
});
async function open(...args: Parameters<typeof openDatabase>): Promise<Database> {
  const db = await openDatabase(...args);
  opened.push(db);
  return db;
}
const value = async (db: Database, sql: string) => Object.values((await db.query(sql)).rows[0]!)[0];

describe('openDatabase options (live mode opens its store with LIVE_DATABASE)', () => {
  it('keeps an in-memory store in a database that compresses, on every connection', async () => {
    const db = await open(null, { compressInMemory: true });
    const other = await db.connect();
    opened.push(other);
    for (const c of [db, other]) {
      expect(await value(c, 'SELECT current_database()')).toBe('wsdiag');
      expect(await value(c, "SELECT CAST(options AS VARCHAR) FROM duckdb_databases() WHERE database_name = current_database()")).toBe('{compress=true}');
    }
    // The schema is there, and what one connection stores the other reads.
    await db.run("INSERT INTO names VALUES (1, 'be_ws')");
    expect(await value(other, 'SELECT value FROM names WHERE id = 1')).toBe('be_ws');
  });

  it("uses DuckDB's own in-memory database without the option, and a file as it is", async () => {
    expect(await value(await open(null), 'SELECT current_database()')).toBe('memory');
    const dir = mkdtempSync(join(tmpdir(), 'wsdiag-db-'));
    try {
      const file = await open(join(dir, 'kept.duckdb'), { compressInMemory: true });
      expect(await value(file, 'SELECT current_database()')).toBe('kept');
      file.close();
      opened.pop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs DuckDB on the number of threads it is given', async () => {
    const db = await open(null, LIVE_DATABASE);
    expect(LIVE_DATABASE.threads).toBe(1);
    expect(Number(await value(db, "SELECT current_setting('threads')"))).toBe(1);
    expect(await value(db, 'SELECT current_database()')).toBe('wsdiag');
  });
});

describe('memory and spilling', () => {
  it("gives an analysis DuckDB's memory limit from what the machine allows, not a fixed size", async () => {
    const db = await open(null, { machine: { totalBytes: 512 * 1024 * 1024, cgroupBytes: null } });
    await db.allowAnalysisMemory();
    expect(db.memoryLimit).toBe('102MiB');
    expect(await value(db, "SELECT current_setting('memory_limit')")).toBe('102.0 MiB');
    const inCgroup = await open(null, { machine: { totalBytes: 64 * 1024 ** 3, cgroupBytes: 640 * 1024 * 1024 } });
    await inCgroup.allowAnalysisMemory();
    expect(await value(inCgroup, "SELECT current_setting('memory_limit')")).toBe('128.0 MiB');
  });

  it('spills an in-memory or read-only database into a directory of its own, removed when it closes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wsdiag-db-'));
    try {
      const path = join(dir, 'a.duckdb');
      (await openDatabase(path)).close();
      for (const db of [await openDatabase(null), await openDatabase(path, { readOnly: true })]) {
        const spill = String(await value(db, "SELECT current_setting('temp_directory')"));
        expect(spill.startsWith(join(tmpdir(), 'wsdiag-'))).toBe(true);
        // Made to spill: a table four times the memory limit.
        await db.setMemoryLimit('32MB');
        await db.run('CREATE TEMP TABLE big AS SELECT range AS i, range * 2 AS j FROM range(8000000)');
        expect(Number(await value(db, 'SELECT count(*) FROM duckdb_temporary_files()'))).toBeGreaterThan(0);
        db.close();
        expect(existsSync(spill)).toBe(false);
      }
      // A database file opened for writing spills beside itself, as DuckDB does.
      const file = await open(path);
      expect(String(await value(file, "SELECT current_setting('temp_directory')"))).toBe(`${path}.tmp`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
