/**
 * The evidence lines go to DuckDB a data chunk at a time: 2048 lines, or fewer once they hold DRAIN_CHARS of text,
 * so that long lines are not held twice (as strings and in the chunk) 2048 at a time.
 */
import type { DuckDBAppender, DuckDBDataChunk } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { DRAIN_CHARS, RawLineLoader } from '../../src/store/raw-line-loader.js';
import { FLUSH_ROWS } from '../../src/store/appender-cache.js';

/** An appender that records the rows of each chunk appended (their line numbers) and each flush. */
function recordingAppender(): { appender: DuckDBAppender; chunks: number[][]; flushes: number } {
  const record = { chunks: [] as number[][], flushes: 0 };
  const appender = {
    appendDataChunk(chunk: DuckDBDataChunk) {
      const lineNos = chunk.getColumnVector(1);
      record.chunks.push(Array.from({ length: chunk.rowCount }, (_, r) => Number(lineNos.getItem(r))));
    },
    flushSync() {
      record.flushes++;
    },
    clear() {},
    closeSync() {},
  } as unknown as DuckDBAppender;
  return Object.assign(record, { appender });
}

describe('RawLineLoader', () => {
  it('appends 2048 short lines per chunk', () => {
    const rec = recordingAppender();
    const loader = new RawLineLoader(rec.appender);
    for (let n = 1; n <= 5000; n++) loader.add(1, n, `line ${n}`, null);
    loader.flush();
    expect(rec.chunks.map((c) => c.length)).toEqual([2048, 2048, 904]);
    expect(rec.chunks.flat()).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1));
    expect(rec.flushes).toBe(1);
  });

  it('hands its rows to the table every FLUSH_ROWS rows, not only at the commit (the appender would cache 204,800)', () => {
    const rec = recordingAppender();
    const loader = new RawLineLoader(rec.appender);
    for (let n = 1; n <= 40_000; n++) loader.add(1, n, `line ${n}`, null);
    expect(FLUSH_ROWS).toBe(16_384);
    expect(rec.flushes).toBe(2);
    loader.flush();
    expect(rec.flushes).toBe(3);
    expect(rec.chunks.flat()).toHaveLength(40_000);
  });

  it('appends long lines as soon as they hold DRAIN_CHARS of text, every line once and in order', () => {
    const rec = recordingAppender();
    const loader = new RawLineLoader(rec.appender);
    const long = 'x'.repeat(60_000);
    for (let n = 1; n <= 300; n++) loader.add(1, n, long, null);
    loader.flush();
    const perChunk = Math.ceil(DRAIN_CHARS / 60_000);
    expect(rec.chunks.slice(0, -1).every((c) => c.length === perChunk)).toBe(true);
    expect(rec.chunks.length).toBe(Math.ceil(300 / perChunk));
    expect(rec.chunks.flat()).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  });

  it('starts counting again after a clear (a rollback)', () => {
    const rec = recordingAppender();
    const loader = new RawLineLoader(rec.appender);
    const long = 'x'.repeat(1024 * 1024);
    loader.add(1, 1, long, null);
    loader.add(1, 2, long, null);
    loader.clear();
    for (let n = 3; n <= 5; n++) loader.add(1, n, long, null);
    // Three MiB since the clear: nothing drained yet (five would have been, counting the two cleared).
    expect(rec.chunks).toEqual([]);
    loader.add(1, 6, long, null);
    expect(rec.chunks).toEqual([[3, 4, 5, 6]]);
  });
});
