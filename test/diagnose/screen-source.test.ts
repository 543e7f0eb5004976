/** The screens' data over a real store: every drill-down query runs and finds the lines behind its row. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestInputs } from '../../src/pipeline/batch-policy.js';
import { openDatabase, type Database } from '../../src/store/database.js';
import type { ScreenData } from '../../src/diagnose/screen-data.js';
import { createScreenSource, type ClosableScreenSource } from '../../src/diagnose/screen-source.js';
import { drillTarget, SCREENS } from '../../src/ui/screens.js';

const SAMPLES = ['samples/ws-httplog.log', 'samples/events.log'].map((p) => new URL(`../../${p}`, import.meta.url).pathname);

let db: Database;
let source: ClosableScreenSource;
let data: ScreenData;

beforeAll(async () => {
  db = await openDatabase(null);
  await ingestInputs(db, SAMPLES, { timeZone: 'UTC', parseOn: 'main' });
  source = createScreenSource(db, { config: null, windowMs: null });
  data = await source.load();
});

afterAll(async () => {
  await source.close();
  db.close();
});

describe('createScreenSource', () => {
  it('loads the analysis, rejects and rates of an archive', () => {
    expect(data.analysis.summary.sessions).toBeGreaterThan(40);
    expect(data.analysis.errors.length).toBeGreaterThan(3);
    expect(data.rates.sessionsPerSecond).toBeGreaterThan(0);
    expect(data.live).toBeNull();
  });

  it('counts every 5xx in the sparklines, by cause, and estimates the open tunnels from beconn', async () => {
    const fiveXX = new Map<string, number>();
    for (const e of data.analysis.errors) if (e.status !== null && e.status >= 500) fiveXX.set(e.cause, (fiveXX.get(e.cause) ?? 0) + e.count);
    expect(fiveXX.size).toBeGreaterThan(0);
    const { bucketMs, causes } = data.failureTimeline;
    expect(new Map(causes.map((c) => [c.cause, c.total]))).toEqual(fiveXX);
    for (const c of causes) {
      expect(c.perSecond.length).toBeLessThanOrEqual(40);
      // Rates back to counts: every 5xx is in some span.
      expect(Math.round(c.perSecond.reduce((a, b) => a + b, 0) * (bucketMs / 1000))).toBe(c.total);
    }
    // Most first.
    expect(causes.map((c) => c.total)).toEqual([...causes.map((c) => c.total)].sort((a, b) => b - a));
    // The newest line of each upgrading backend says how many connections it has (beconn).
    const { rows } = await db.query(`SELECT sum(b) AS n FROM (SELECT arg_max(beconn, ts) AS b FROM sessions WHERE upgraded GROUP BY backend)`);
    expect(data.openTunnels).toBe(Number(rows[0]!['n']));
    expect(data.openTunnels).toBeGreaterThan(0);
  });

  it.each(['errors', 'sticky', 'tunnels', 'events'] as const)('Enter on the first row of %s finds its lines', async (screen) => {
    const target = drillTarget(screen, data, 0);
    expect(target).not.toBeNull();
    const result = await source.drill(target!);
    expect(result.lines.length).toBeGreaterThan(0);
    for (const line of result.lines) expect(line.lineNo).toBeGreaterThan(0);
  });

  it('an error group drills to exactly its sessions', async () => {
    const group = data.analysis.errors[0]!;
    const result = await source.drill({ kind: 'error', status: group.status, cause: group.cause, backend: group.backend, server: group.server });
    expect(result.lines).toHaveLength(group.count);
    expect(result.lines[0]!.text).toContain(group.backend!);
  });

  it('a reject drills to its raw line', async () => {
    await db.run(`INSERT INTO rejects VALUES (99, 7, NULL, 'unknown_format', 'x', 'garbage line', NULL)`);
    expect(await source.drill({ kind: 'reject', sourceId: 99, lineNo: 7 })).toEqual({ title: 'rejected line 99:7', lines: [{ sourceId: 99, lineNo: 7, text: 'garbage line' }] });
  });

  it('typed SQL runs with external access disabled', async () => {
    const result = await source.runSql('SELECT count(*) AS n FROM sessions');
    expect(result.rows[0]!['n']).toBe(data.analysis.summary.sessions);
    await expect(source.runSql("SELECT * FROM read_csv('/etc/passwd')")).rejects.toThrow();
  });

  it('every screen has rows or a target function that accepts any index', () => {
    for (const s of SCREENS) expect(() => drillTarget(s.id, data, 10_000)).not.toThrow();
  });
});
