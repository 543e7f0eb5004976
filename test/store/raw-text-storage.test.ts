/**
 * How the evidence lines' text is stored: uncompressed in a database file (compressing it at every COMMIT cost
 * the ingest time and memory, see RAW_TEXT_IN_FILE in src/store/schema.ts), DuckDB's own choice in a compressed
 * in-memory store (live mode), where memory is the bound.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestInputs } from '../../src/pipeline/batch-policy.js';
import { openDatabase, type Database } from '../../src/store/database.js';
import { writeFailedUpgrades } from '../helpers/failed-upgrades.js';

const dir = mkdtempSync(join(tmpdir(), 'wsdiag-raw-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rawTextCompression(db: Database): Promise<string[]> {
  await db.run('CHECKPOINT');
  const { rows } = await db.query(
    "SELECT DISTINCT compression FROM pragma_storage_info('session_rows') WHERE column_name = 'raw' AND segment_type = 'VARCHAR' ORDER BY compression",
  );
  return rows.map((r) => String(r['compression']));
}

describe('the text of evidence lines', () => {
  // 20,000 lines, all kept as evidence, of text DuckDB would compress.
  const log = writeFailedUpgrades(dir, 20_000);

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
