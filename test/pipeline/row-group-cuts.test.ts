/**
 * Commits on DuckDB's row-group boundaries: the parse worker cuts its replies where the session table would end on
 * one (DecodeReply.boundary), each piece with the exact resume point after its last line, and a batch ingest commits
 * there. Cutting changes no row (parse-on-worker.test.ts); here, where the cuts fall and what they say.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TAIL_BYTES } from '../../src/input/split-lines.js';
import { ingestInputs } from '../../src/pipeline/batch-policy.js';
import { LineDecoder, type DecodeReply } from '../../src/pipeline/line-decoder.js';
import { openDatabase, type Database } from '../../src/store/database.js';

const dir = mkdtempSync(join(tmpdir(), 'wsdiag-row-groups-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const session = (i: number): string =>
  `Nov 22 04:05:06 lb1 haproxy[77]: 10.0.0.${i % 250}:${10000 + i} [22/Nov/2026:04:05:06.000] fe be_ws/ws${i % 3} 0/0/1/2/${i} ` +
  `${i % 7 === 0 ? '502 204 - - SH--' : '101 10 - - ----'} 1/1/1/1/0 0/0 "GET /ws?i=${i}${'x'.repeat(i % 90)} HTTP/1.1"`;
/** Sessions, and a third of lines that are not (rejects, server events): lines and sessions are far from equal. */
const lines = Array.from({ length: 3000 }, (_, i) =>
  i % 3 === 1 ? `garbage ${i}` : i % 211 === 7 ? `Nov 22 04:05:06 lb1 haproxy[77]: Server be_ws/ws1 is DOWN, reason: Layer4 timeout, check duration: 2001ms. 2 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.` : session(i));
const bytes = Buffer.from(lines.join('\n') + '\n');
const path = join(dir, 'mixed.log');
writeFileSync(path, bytes);
/** Where each line starts in the file. */
const lineStarts = [0];
for (let i = bytes.indexOf(10); i >= 0 && i + 1 < bytes.length; i = bytes.indexOf(10, i + 1)) lineStarts.push(i + 1);

function decodeAll(alignRows: number, sessionRows: number, chunk: number): { replies: DecodeReply[]; perRequest: DecodeReply[][] } {
  const decoder = new LineDecoder({ parser: { timeZone: 'UTC' }, maxLineBytes: 64 * 1024, names: [], alignRows, sessionRows });
  decoder.decode({ op: 'open', source: 1, start: { firstLineNo: 1, offset: 0, insideLine: false, tail: new Uint8Array(0), referenceDateMs: null, skipLines: 0 } });
  const perRequest: DecodeReply[][] = [];
  for (let at = 0; at < bytes.length; at += chunk) perRequest.push(decoder.decode({ op: 'bytes', source: 1, bytes: Uint8Array.from(bytes.subarray(at, at + chunk)) }));
  perRequest.push(decoder.decode({ op: 'end', source: 1, how: 'eof', final: true }));
  return { replies: perRequest.flat(), perRequest };
}

describe('replies cut at row-group boundaries', () => {
  it('end where the session table fills a whole number of row groups, each with the exact resume point after its last line', () => {
    // 37 sessions stored before: the first boundary is 63 sessions in.
    const { replies, perRequest } = decodeAll(100, 37, 16 * 1024);
    let lines = 0;
    let sessions = 37;
    let boundaries = 0;
    for (const reply of replies) {
      lines += reply.lines;
      sessions += reply.counts.sessions;
      if (reply.boundary) {
        boundaries++;
        expect(sessions % 100).toBe(0);
      }
      if (reply.lines > 0) {
        const offset = lines < lineStarts.length ? lineStarts[lines]! : bytes.length;
        expect(reply.endOffset).toBe(offset);
        expect(Buffer.from(reply.tail)).toEqual(bytes.subarray(Math.max(0, offset - TAIL_BYTES), offset));
      }
    }
    expect(lines).toBe(3000);
    // A boundary is missed only where its line starts within TAIL_BYTES of a chunk's start (then the next one is on time).
    const total = Math.floor(sessions / 100);
    expect(boundaries).toBeGreaterThanOrEqual(total - 3);
    expect(boundaries).toBeGreaterThanOrEqual(15);
    // Every reply of a request but its last says that more follow.
    for (const group of perRequest) expect(group.map((r) => r.more)).toEqual([...group.slice(1).map(() => true), false]);
    expect(perRequest.some((group) => group.length > 1)).toBe(true);
  });

  it('never cut without alignRows', () => {
    const { replies, perRequest } = decodeAll(0, 0, 16 * 1024);
    expect(replies.length).toBe(perRequest.length);
    expect(replies.some((r) => r.boundary || r.more)).toBe(false);
  });
});

describe('a batch ingest', () => {
  it('commits where the session table ends on a boundary (commitLines 500: one every 500 sessions), and at the end', async () => {
    const db = await openDatabase(null);
    try {
      const atCommit: number[] = [];
      const watched: Database = {
        ...db,
        run: async (sql, params) => {
          if (sql === 'COMMIT') atCommit.push(Number((await db.query('SELECT count(*) AS n FROM session_rows')).rows[0]!['n']));
          return db.run(sql, params);
        },
      };
      const report = await ingestInputs(watched, [path], { timeZone: 'UTC', commitLines: 500, chunkBytes: 64 * 1024, parseOn: 'main' });
      const sessions = report.totals.sessions;
      expect(sessions).toBe(Number((await db.query('SELECT count(*) AS n FROM session_rows')).rows[0]!['n']));
      expect(atCommit.at(-1)).toBe(sessions);
      const during = atCommit.slice(0, -1).filter((n) => n > 0);
      expect(during.length).toBeGreaterThanOrEqual(3);
      for (const n of during) expect(n % 500).toBe(0);
    } finally {
      db.close();
    }
  });
});

