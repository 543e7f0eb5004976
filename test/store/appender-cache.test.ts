/**
 * DuckDB's appender keeps up to 204,800 rows in a cache of its own before it hands them to the table; the store hands
 * them over every FLUSH_ROWS rows (sessions), or FLUSH_ROWS rows or 4 MiB of text (events and rejects), so that an
 * ingest does not hold that many rows twice. Rows handed over are visible to the store's own connection before the
 * COMMIT, which is how this test sees it.
 */
import { describe, expect, it } from 'vitest';
import { LineDecoder } from '../../src/pipeline/line-decoder.js';
import { openDatabase } from '../../src/store/database.js';
import { IngestStore } from '../../src/store/ingest-store.js';
import { FLUSH_ROWS } from '../../src/store/appender-cache.js';

const session = (i: number): string =>
  `Nov 22 04:05:06 lb1 haproxy[77]: 10.0.0.1:${10000 + (i % 50000)} [22/Nov/2026:04:05:06.000] fe be_ws/ws1 0/0/1/2/${i} 101 10 - - ---- 1/1/1/1/0 0/0 "GET /ws HTTP/1.1"`;

async function visibleBeforeCommit(lines: string[]): Promise<{ sessions: number; rejects: number }> {
  const db = await openDatabase(null);
  try {
    const store = await IngestStore.open(db);
    const source = await store.newSource({ path: 'test.log', compressed: false, head: null });
    const decoder = new LineDecoder({ parser: { timeZone: 'UTC' }, maxLineBytes: 64 * 1024, names: store.nameEntries(), alignRows: 0, sessionRows: 0 });
    decoder.decode({ op: 'open', source: 1, start: { firstLineNo: 1, offset: 0, insideLine: false, tail: new Uint8Array(0), referenceDateMs: null, skipLines: 0 } });
    const bytes = Buffer.from(lines.join('\n') + '\n');
    for (let at = 0; at < bytes.length; at += 64 * 1024) {
      for (const reply of decoder.decode({ op: 'bytes', source: 1, bytes: Uint8Array.from(bytes.subarray(at, at + 64 * 1024)) })) store.addEncoded(reply, source);
    }
    const count = async (table: string) => Number((await db.query(`SELECT count(*) AS n FROM ${table}`)).rows[0]!['n']);
    const seen = { sessions: await count('session_rows'), rejects: await count('rejects') };
    await store.rollback();
    store.abandon();
    return seen;
  } finally {
    db.close();
  }
}

describe("the store hands rows to DuckDB's tables as it goes", () => {
  it('every FLUSH_ROWS sessions', async () => {
    const seen = await visibleBeforeCommit(Array.from({ length: 40_000 }, (_, i) => session(i)));
    // Handed over each time FLUSH_ROWS more were appended (in batches of a reply's lines): fewer than that wait.
    expect(seen.sessions).toBeGreaterThanOrEqual(2 * FLUSH_ROWS);
    expect(seen.sessions).toBeLessThan(40_000);
    expect(40_000 - seen.sessions).toBeLessThan(FLUSH_ROWS);
  });

  it('every FLUSH_ROWS rejects, or sooner once they hold 4 MiB of text', async () => {
    const short = await visibleBeforeCommit(Array.from({ length: 20_000 }, (_, i) => `garbage ${i}`));
    expect(short.rejects).toBeGreaterThanOrEqual(FLUSH_ROWS);
    expect(short.rejects).toBeLessThan(20_000);
    // 1,500 lines of 4,000 characters: 4 MiB of text before 1,100 of them.
    const wide = await visibleBeforeCommit(Array.from({ length: 1500 }, (_, i) => `garbage ${i} ${'x'.repeat(4000)}`));
    expect(wide.rejects).toBeGreaterThan(1000);
    expect(wide.rejects).toBeLessThan(1500);
  });
});
