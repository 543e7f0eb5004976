/**
 * queries/tunnel-percentiles.sql gives exactly what DuckDB's quantile_cont gives — the same doubles, not values
 * close to them — while holding no group's durations in memory. Compared here over groups of every shape: one
 * tunnel, two, all durations equal, many ties, durations spread over hours, NULL servers and path prefixes, rows that
 * are not tunnels or have no duration, and each grouping the diagnoses ask for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadQueries } from '../../src/diagnose/load-queries.js';
import { prepareDiagnoses } from '../../src/diagnose/run-query.js';
import { openDatabase, type Database } from '../../src/store/database.js';

/** Tunnels of 40 groups of different shapes; `hash` keeps them the same on every run. */
const TUNNELS = `
CREATE TEMP TABLE fake AS
WITH g AS (
  SELECT i AS gid, CASE i % 4 WHEN 0 THEN 1 WHEN 1 THEN 2 WHEN 2 THEN 37 ELSE 5000 END AS size, i % 5 AS shape FROM range(40) r(i)
)
SELECT (gid % 3) AS backend_key, 'be' || (gid % 3) AS backend,
  CASE WHEN gid % 7 = 0 THEN NULL ELSE (gid // 3) % 4 END AS server_key,
  CASE WHEN gid % 7 = 0 THEN NULL ELSE 'srv' || ((gid // 3) % 4) END AS server,
  CASE (gid // 12) WHEN 0 THEN '/ws' WHEN 1 THEN '' WHEN 2 THEN NULL ELSE '/live' END AS path_prefix,
  CASE shape
    WHEN 0 THEN 30000                                       -- all equal
    WHEN 1 THEN CAST(hash(gid, j) % 5 AS INTEGER) * 1000    -- five values, many ties
    WHEN 2 THEN CAST(hash(gid, j) % 86400000 AS INTEGER)    -- spread over a day
    WHEN 3 THEN CAST(hash(gid, j) % 1000 AS INTEGER)        -- under a second
    ELSE CAST(pow(10, (hash(gid, j) % 7000) / 1000.0) AS INTEGER) -- log-spread, 1 ms to 3 hours
  END AS duration_ms,
  j % 97 <> 5 AS is_tunnel
FROM g, range(size) s(j)
UNION ALL SELECT 0, 'be0', 1, 'srv1', '/ws', NULL, true       -- no duration: not counted
`;

const QUANTILE_CONT = (by: string): string => `
SELECT backend, ${by} count(*) AS count, quantile_cont(duration_ms, 0.5) AS p50, quantile_cont(duration_ms, 0.9) AS p90,
  quantile_cont(duration_ms, 0.99) AS p99, max(duration_ms) AS max_ms
FROM fake WHERE is_tunnel AND duration_ms IS NOT NULL GROUP BY ALL ORDER BY ALL`;

describe('exact tunnel percentiles in bounded memory', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase(null);
    await prepareDiagnoses(db);
    await db.run(TUNNELS);
    // The macro reads session_causes_keyed: here, the table above.
    await db.run(`CREATE OR REPLACE TEMP MACRO session_causes_keyed(since_ts, until_ts, backend_name) AS TABLE SELECT * FROM fake`);
    await db.run(loadQueries().get('tunnel-percentiles')!.sql);
  });
  afterAll(() => db?.close());

  it.each([
    { name: 'per backend', server: false, prefix: false, by: '' },
    { name: 'per backend and server', server: true, prefix: false, by: 'server,' },
    { name: 'per backend, server and path prefix', server: true, prefix: true, by: 'server, path_prefix,' },
    { name: 'per backend and path prefix', server: false, prefix: true, by: 'path_prefix,' },
  ])('gives quantile_cont exactly, $name', async ({ server, prefix, by }) => {
    const expected = (await db.query(QUANTILE_CONT(by))).rows;
    const columns = ['backend', ...(server ? ['server'] : []), ...(prefix ? ['path_prefix'] : []), 'count', 'p50', 'p90', 'p99', 'max_ms'];
    const { rows } = await db.query(`SELECT ${columns.join(', ')} FROM tunnel_percentiles(NULL, NULL, NULL, ${server}, ${prefix}) ORDER BY ALL`);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows).toEqual(expected);
  });

  it('covers groups of one and two tunnels, ties, and percentiles between two durations', async () => {
    const { rows } = await db.query(QUANTILE_CONT('server, path_prefix,'));
    const counts = rows.map((r) => Number(r['count']));
    expect(counts).toContain(1);
    expect(counts).toContain(2);
    expect(rows.some((r) => !Number.isInteger(r['p99']))).toBe(true);
  });
});
