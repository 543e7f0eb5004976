/**
 * How the evidence lines' text is stored: uncompressed in a database file (compressing it at every COMMIT cost
 * the ingest time and memory, see RAW_TEXT_IN_FILE in src/store/schema.ts), DuckDB's own choice in a compressed
 * in-memory store (live mode), where memory is the bound.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestInputs } from '../../src/ingest/ingest-inputs.js';
import { openDatabase, type Database } from '../../src/store/database.js';

const dir = mkdtempSync(join(tmpdir(), 'wsdiag-raw-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 20,000 failed upgrades (502 SH--): all kept as evidence, and text DuckDB would compress. */
function failedUpgrades(): string {
  const path = join(dir, 'failed.log');
  const lines = Array.from({ length: 20_000 }, (_, i) =>
    `Nov 22 04:05:06 lb1 haproxy[77]: 10.0.${i % 250}.${i % 200}:${40000 + (i % 20000)} [22/Nov/2026:04:05:06.${String(i % 1000).padStart(3, '0')}] ` +
    `fe_main be_ws/ws${i % 4} 0/0/1/-1/${i % 97} 502 204 - - SH-- 5/4/3/2/0 0/0 "GET /ws/chat?room=${i % 300} HTTP/1.1"`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

async function rawTextCompression(db: Database): Promise<string[]> {
  await db.run('CHECKPOINT');
  const { rows } = await db.query(
    "SELECT DISTINCT compression FROM pragma_storage_info('raw_lines') WHERE column_name = 'raw' AND segment_type = 'VARCHAR' ORDER BY compression",
  );
  return rows.map((r) => String(r['compression']));
}

describe('the text of evidence lines', () => {
  const log = failedUpgrades();

  it('is stored uncompressed in a database file, every line of it', async () => {
    const db = await openDatabase(join(dir, 'file.duckdb'));
    try {
      await ingestInputs(db, [log], { parseOn: 'main' });
      expect(Number((await db.query('SELECT count(*) AS n FROM raw_lines')).rows[0]!['n'])).toBe(20_000);
      expect(await rawTextCompression(db)).toEqual(['Uncompressed']);
    } finally {
      db.close();
    }
  });

  it('is compressed as DuckDB chooses in a compressed in-memory store (live mode)', async () => {
    const db = await openDatabase(null, { compressInMemory: true });
    try {
      await ingestInputs(db, [log], { parseOn: 'main' });
      expect(Number((await db.query('SELECT count(*) AS n FROM raw_lines')).rows[0]!['n'])).toBe(20_000);
      const methods = await rawTextCompression(db);
      expect(methods.length).toBeGreaterThan(0);
      expect(methods).not.toContain('Uncompressed');
    } finally {
      db.close();
    }
  });
});
