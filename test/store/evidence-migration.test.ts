/**
 * A session's evidence line is a column of its row (session_rows.raw); files written before kept every evidence line
 * in a table `raw_lines`, a view's name now. Such a file still reads as it was written when opened read-only, and
 * opened for writing it is brought to today's layout with no evidence line lost.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestInputs } from '../../src/pipeline/batch-policy.js';
import { openDatabase, type Database } from '../../src/store/database.js';
import { writeFailedUpgrades } from '../helpers/failed-upgrades.js';

const dir = mkdtempSync(join(tmpdir(), 'wsdiag-evidence-migration-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rows = async (db: Database, sql: string) => (await db.query(sql)).rows;
const kinds = async (db: Database) =>
  rows(db, "SELECT table_name, table_type FROM information_schema.tables WHERE table_name IN ('raw_lines', 'raw_line_rows') ORDER BY table_name");

/** A database file laid out as before: the evidence lines in a table raw_lines, session_rows without `raw`. */
async function olderFile(path: string, log: string): Promise<void> {
  const db = await openDatabase(path);
  try {
    await ingestInputs(db, [log], { timeZone: 'UTC' });
    await db.run('CREATE TABLE old_lines AS SELECT * FROM raw_lines');
    await db.run('DROP VIEW raw_lines');
    await db.run('DROP TABLE raw_line_rows');
    await db.run('ALTER TABLE old_lines RENAME TO raw_lines');
    await db.run('ALTER TABLE session_rows DROP COLUMN raw');
  } finally {
    db.close();
  }
}

describe('evidence lines in a file written before session_rows had them', () => {
  it('reads as written when opened read-only, and opened for writing keeps every line and stores new ones in the rows', async () => {
    const path = join(dir, 'older.duckdb');
    const before = writeFailedUpgrades(dir, 300);
    await olderFile(path, before);
    const beforeLines = readFileSync(before, 'utf8').trimEnd().split('\n');

    const readOnly = await openDatabase(path, { readOnly: true });
    try {
      expect(await kinds(readOnly)).toEqual([{ table_name: 'raw_lines', table_type: 'BASE TABLE' }]);
      expect((await rows(readOnly, 'SELECT raw FROM raw_lines ORDER BY line_no')).map((r) => r['raw'])).toEqual(beforeLines);
    } finally {
      readOnly.close();
    }

    const db = await openDatabase(path);
    try {
      expect(await kinds(db)).toEqual([{ table_name: 'raw_line_rows', table_type: 'BASE TABLE' }, { table_name: 'raw_lines', table_type: 'VIEW' }]);
      const later = join(dir, 'later.log');
      // Lines 300-499 of the same kind: new to the store.
      const laterLines = readFileSync(writeFailedUpgrades(dir, 500), 'utf8').trimEnd().split('\n').slice(300);
      writeFileSync(later, laterLines.join('\n') + '\n');
      await ingestInputs(db, [later], { timeZone: 'UTC' });
      const evidence = await rows(db, 'SELECT s.path, r.line_no, r.raw FROM raw_lines r JOIN sources s USING (source_id) ORDER BY s.path, r.line_no');
      expect(evidence.filter((r) => r['path'] === before).map((r) => r['raw'])).toEqual(beforeLines);
      expect(evidence.filter((r) => r['path'] === later).map((r) => r['raw'])).toEqual(laterLines);
      // The older lines stay where they were; the new ones are in their sessions' rows.
      expect(await rows(db, 'SELECT count(*) AS n FROM raw_line_rows')).toEqual([{ n: 300 }]);
      expect(await rows(db, 'SELECT count(raw) AS n FROM session_rows')).toEqual([{ n: 200 }]);
    } finally {
      db.close();
    }
  });
});
