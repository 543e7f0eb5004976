/**
 * DuckDB's memory while a batch ingest appends to a database (a file, or in memory): lowered to BULK_MEMORY, raised to
 * LONG_TEXT_MEMORY once a line may hold strings over 4 KiB, and given back when the ingest ends.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ingestInputs } from '../../src/pipeline/batch-policy.js';
import { openDatabase, type Database } from '../../src/store/database.js';
import { IngestStore, LONG_TEXT_CHARS } from '../../src/store/ingest-store.js';

const dir = mkdtempSync(join(tmpdir(), 'wsdiag-memory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const opened: Database[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
  vi.restoreAllMocks();
});

/** A database file whose memory limit is 300 MB, so that neither the bulk nor the long-text limit is its own. */
async function fileDb(): Promise<Database> {
  const db = await openDatabase(join(dir, `db${n++}.duckdb`), { memoryLimit: '300MB' });
  opened.push(db);
  return db;
}
const limit = async (db: Database): Promise<string> => String((await db.query("SELECT current_setting('memory_limit') AS v")).rows[0]!['v']);

const line = (uri: string): string =>
  `Nov 22 04:05:06 lb1 haproxy[77]: 127.0.0.1:4000 [22/Nov/2026:04:05:06.123] fe_main be_ws/ws1 0/0/1/2/30005 101 1234 - - ---- 5/4/3/2/0 0/0 "GET ${uri} HTTP/1.1"`;
function log(lines: string[]): string {
  const path = join(dir, `in${n++}.log`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

describe('memory of a batch ingest into a database file', () => {
  it('is BULK_MEMORY (64 MB) while storing, LONG_TEXT_MEMORY (256 MB) after allowLongText, and as before after release', async () => {
    const db = await fileDb();
    expect(await limit(db)).toBe('286.1 MiB');
    const store = await IngestStore.open(db, { bulk: true });
    expect(await limit(db)).toBe('61.0 MiB');
    await store.allowLongText();
    expect(await limit(db)).toBe('244.1 MiB');
    await store.release();
    expect(await limit(db)).toBe('286.1 MiB');
  });

  it('is lowered in memory as well (the tables spill beyond it), and stays as it is outside a batch ingest (live mode)', async () => {
    const memory = await openDatabase(null, { memoryLimit: '300MB' });
    opened.push(memory);
    const inMemory = await IngestStore.open(memory, { bulk: true });
    expect(await limit(memory)).toBe('61.0 MiB');
    await inMemory.allowLongText();
    expect(await limit(memory)).toBe('244.1 MiB');
    await inMemory.release();
    expect(await limit(memory)).toBe('286.1 MiB');

    const db = await fileDb();
    const live = await IngestStore.open(db);
    await live.allowLongText();
    expect(await limit(db)).toBe('286.1 MiB');
    await live.release();
  });

  it('is raised by ingestInputs when a line is longer than LONG_TEXT_CHARS, before that line is stored', async () => {
    const raised: number[] = [];
    const limits: string[] = [];
    let stored = 0;
    vi.spyOn(IngestStore.prototype, 'allowLongText').mockImplementation(async function () {
      raised.push(stored);
    });
    const db = await fileDb();
    const addEncoded = IngestStore.prototype.addEncoded;
    vi.spyOn(IngestStore.prototype, 'addEncoded').mockImplementation(function (this: IngestStore, rows, sourceId) {
      stored += rows.sessions.reduce((sum, s) => sum + s.rows, 0);
      limits.push(db.memoryLimit);
      addEncoded.call(this, rows, sourceId);
    });

    const short = line('/ws/' + 'a'.repeat(LONG_TEXT_CHARS - line('/ws/').length));
    expect(short.length).toBe(LONG_TEXT_CHARS);
    await ingestInputs(db, [log([short, short])], { parseOn: 'main' });
    expect(raised).toEqual([]);

    // (Another first line: a file that begins as an ingested one does is taken for that file grown.)
    const long = line('/ws/' + 'b'.repeat(LONG_TEXT_CHARS - line('/ws/').length + 1));
    await ingestInputs(db, [log([long])], { parseOn: 'main' });
    expect(raised).toEqual([2]);
    expect(stored).toBe(3);
    // (allowLongText is stubbed here: the limit stays at the bulk one.)
    expect(limits).toEqual(['64MB', '64MB']);
    expect(Number((await db.query('SELECT max(length(uri)) AS n FROM sessions')).rows[0]!['n'])).toBeGreaterThan(LONG_TEXT_CHARS - 200);
    // The ingest gave the limit back.
    expect(await limit(db)).toBe('286.1 MiB');
  });
});
