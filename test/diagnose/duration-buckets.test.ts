import { describe, expect, it } from 'vitest';
import { bucketBounds, continuousBuckets, lowerBound, timeoutMarks } from '../../src/diagnose/duration-buckets.js';
import { prepareDiagnoses } from '../../src/diagnose/run-query.js';
import { openDatabase } from '../../src/store/database.js';

describe('1-2-5 duration buckets', () => {
  it('bounds go 10, 20, 50 ms… and each bucket starts where the one before ends', () => {
    expect(bucketBounds(2000)).toEqual([10, 20, 50, 100, 200, 500, 1000, 2000, 5000]);
    expect(lowerBound(10)).toBe(0);
    expect(lowerBound(500)).toBe(200);
    expect(lowerBound(1000)).toBe(500);
  });

  it('duration_bucket() in SQL puts every duration in the bucket whose bounds hold it (a bound in its own bucket)', async () => {
    const db = await openDatabase(null);
    try {
      await prepareDiagnoses(db);
      const values = [0, 1, 9.5, 10, 10.5, 20, 21, 99, 100, 101, 355, 999, 1000, 1001, 2000, 2008, 4999, 5000, 5001, 86_400_000, 3_600_001];
      const { rows } = await db.query(`SELECT v, duration_bucket(v) AS b FROM (VALUES ${values.map((v) => `(${v}::DOUBLE)`).join(", ")}) t(v) ORDER BY v`);
      for (const r of rows) {
        const v = Number(r['v']);
        const expected = bucketBounds(Math.max(v, 10)).find((b) => b >= v)!;
        expect(Number(r['b']), `duration ${v}`).toBe(expected);
      }
    } finally {
      db.close();
    }
  });

  it('a histogram is continuous from its first to its last bucket, and runs on to a timeout to mark', () => {
    expect(continuousBuckets({ 20: 1, 200: 2 })).toEqual([
      { lower: 10, upper: 20, count: 1 }, { lower: 20, upper: 50, count: 0 }, { lower: 50, upper: 100, count: 0 }, { lower: 100, upper: 200, count: 2 },
    ]);
    expect(continuousBuckets({ 20: 1 }, [2000]).map((b) => b.upper)).toEqual([20, 50, 100, 200, 500, 1000, 2000]);
    expect(continuousBuckets({})).toEqual([]);
  });

  it('marks timeout tunnel, or timeout server without it, and the timeouts disconnect clusters matched, once each', () => {
    const timeouts = [
      { backend: 'a', name: 'tunnel', ms: 2000, text: '2s' }, { backend: 'a', name: 'server', ms: 5000, text: '5s' },
      { backend: 'b', name: 'server', ms: 5000, text: '5s' },
    ];
    const clusters = [{ backend: 'a', count: 3, timeout: { directive: 'timeout tunnel', value_ms: 2000 } }, { backend: 'b', count: 4, timeout: { directive: 'timeout client', value_ms: 1500 } }];
    expect(timeoutMarks('a', timeouts, clusters)).toEqual([{ label: 'timeout tunnel 2s', ms: 2000 }]);
    expect(timeoutMarks('b', timeouts, clusters)).toEqual([{ label: 'timeout server 5s', ms: 5000 }, { label: 'timeout client (4 cut)', ms: 1500 }]);
  });
});
