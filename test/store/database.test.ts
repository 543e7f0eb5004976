import { mkdtempSync, rmSync } from 'node:fs';
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
