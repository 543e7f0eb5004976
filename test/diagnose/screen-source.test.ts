/** The screens' data over a real store: every drill-down counts, pages and searches the lines behind its row. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config/read-config.js';
import { ingestInputs } from '../../src/pipeline/batch-policy.js';
import { storeConfig } from '../../src/store/config-tables.js';
import { openDatabase, type Database } from '../../src/store/database.js';
import { ANALYSIS_CAP_BYTES, duckdbSize, SCREENS_RESERVE_BYTES } from '../../src/store/memory-budget.js';
import type { DrillLine, DrillQuery, DrillTarget, ScreenData } from '../../src/diagnose/screen-data.js';
import { prepareDiagnoses, runQuery } from '../../src/diagnose/run-query.js';
import { createScreenSource, toTimeline, toTunnelServer, type ClosableScreenSource } from '../../src/diagnose/screen-source.js';
import { drillTarget, findingLink, SCREENS } from '../../src/ui/screens.js';

const path = (p: string): string => new URL(`../../${p}`, import.meta.url).pathname;
const SAMPLES = ['samples/ws-httplog.log', 'samples/events.log'].map(path);

let db: Database;
let source: ClosableScreenSource;
let data: ScreenData;

beforeAll(async () => {
  db = await openDatabase(null);
  const config = readConfig(readFileSync(path('samples/ws-httplog.cfg'), 'utf8'), 'ws-httplog.cfg');
  await storeConfig(db, config);
  await ingestInputs(db, SAMPLES, { timeZone: 'UTC', parseOn: 'main' });
  source = createScreenSource(db, { config, windowMs: null });
  data = await source.load();
});

afterAll(async () => {
  await source.close();
  db.close();
});

const query = (target: DrillTarget, extra: Partial<DrillQuery> = {}): DrillQuery => ({ target, since: null, order: 'asc', filter: null, ...extra });

/** Every row of a drill-down, page by page (pages of `size`, forward or backward). */
async function readAll(q: DrillQuery, size: number, backward = false): Promise<DrillLine[]> {
  const out: DrillLine[] = [];
  let anchor = null;
  for (;;) {
    const page = await source.drillPage(q, { anchor, inclusive: false, backward, limit: size });
    if (backward) out.unshift(...page);
    else out.push(...page);
    if (page.length < size) return out;
    anchor = (backward ? page[0] : page[page.length - 1])!.key;
  }
}

describe('createScreenSource', () => {
  it("leaves room for the screens beside DuckDB: its analysis memory is the cap less the screens' reserve", async () => {
    const machine = { totalBytes: 24 * 1024 ** 3, cgroupBytes: null };
    const screens = await openDatabase(null, { machine });
    const plain = await openDatabase(null, { machine });
    try {
      await ingestInputs(screens, SAMPLES, { timeZone: 'UTC', parseOn: 'main' });
      const s = createScreenSource(screens, { config: null, windowMs: null });
      await s.load();
      await s.close();
      await prepareDiagnoses(plain);
      expect(screens.memoryLimit).toBe(duckdbSize(ANALYSIS_CAP_BYTES - SCREENS_RESERVE_BYTES));
      expect(plain.memoryLimit).toBe(duckdbSize(ANALYSIS_CAP_BYTES));
    } finally {
      screens.close();
      plain.close();
    }
  });

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
      expect(Math.round(c.perSecond.reduce((a, b) => a + b, 0) * (bucketMs / 1000))).toBe(c.total);
    }
    expect(causes.map((c) => c.total)).toEqual([...causes.map((c) => c.total)].sort((a, b) => b - a));
    const { rows } = await db.query(`SELECT sum(b) AS n FROM (SELECT arg_max(beconn, ts) AS b FROM sessions WHERE upgraded GROUP BY backend)`);
    expect(data.openTunnels).toBe(Number(rows[0]!['n']));
    expect(data.openTunnels).toBeGreaterThan(0);
  });

  it('gives every server its own tunnel histogram, in 1-2-5 buckets that add up to its count', () => {
    expect(data.tunnelServers.length).toBeGreaterThan(data.analysis.tunnels.length - 1);
    for (const s of data.tunnelServers) {
      const bounds = Object.keys(s.histogram).map(Number);
      for (const b of bounds) expect(String(b)).toMatch(/^[125]0+$/);
      expect(Object.values(s.histogram).reduce((a, b) => a + b, 0)).toBe(s.count);
    }
    for (const t of data.analysis.tunnels) {
      const servers = data.tunnelServers.filter((s) => s.backend === t.backend);
      expect(servers.reduce((n, s) => n + s.count, 0)).toBe(t.count);
    }
    // The configured timeouts that end idle tunnels, to mark on the histogram.
    expect(data.timeouts.some((t) => t.name === 'tunnel')).toBe(true);
  });

  it('reads the tunnel servers and the sparklines inside the analysis\'s materialized scope, with the raw view\'s answers', async () => {
    await prepareDiagnoses(db);
    const scope = { since: null, until: null, backend: null };
    const servers = await runQuery(db, 'tunnel-servers', scope);
    expect(servers.length).toBeGreaterThan(1);
    expect(data.tunnelServers).toEqual(servers.map(toTunnelServer));
    expect(data.failureTimeline).toEqual(toTimeline(await runQuery(db, 'failure-timeline', scope, { buckets: 40 })));
  });

  it.each(['errors', 'sticky', 'tunnels', 'events'] as const)('Enter on the first row of %s counts and pages its lines', async (screen) => {
    const target = drillTarget(screen, data, 0);
    expect(target).not.toBeNull();
    const total = await source.drillCount(query(target!));
    expect(total).toBeGreaterThan(0);
    const lines = await readAll(query(target!), 1000);
    expect(lines).toHaveLength(total);
    for (const line of lines) expect(line.key.lineNo).toBeGreaterThan(0);
  });

  it('a disconnect cluster drills to the tunnels that ended after about its interval', async () => {
    const timeout = data.timeouts.find((t) => t.name === 'tunnel' && t.backend === 'be_ws')!;
    const { rows } = await db.query(`SELECT count(*) AS n FROM sessions WHERE backend = $b AND upgraded AND abs(duration_ms - $ms) <= greatest(50, $ms * 0.02)`, { b: timeout.backend, ms: timeout.ms });
    expect(Number(rows[0]!['n'])).toBeGreaterThan(0);
    expect(await source.drillCount(query({ kind: 'disconnect', backend: timeout.backend, intervalMs: timeout.ms }))).toBe(Number(rows[0]!['n']));
  });

  it('an error group drills to exactly its sessions, each with its raw line', async () => {
    for (const group of data.analysis.errors) {
      const q = query({ kind: 'error', status: group.status, cause: group.cause, backend: group.backend, server: group.server });
      expect(await source.drillCount(q)).toBe(group.count);
      const [first] = await source.drillPage(q, { anchor: null, inclusive: false, backward: false, limit: 5 });
      expect(first!.raw).toBe(true);
      expect(first!.text).toContain(group.backend!);
    }
  });

  it('pages forward and backward, in either order, to the same rows as one read', async () => {
    const q = query({ kind: 'sessions', title: 'all' });
    const all = await readAll(q, 10_000);
    expect(all).toHaveLength(data.analysis.summary.sessions);
    const keys = (l: DrillLine[]) => l.map((x) => `${x.key.sourceId}:${x.key.lineNo}`);
    expect(keys(await readAll(q, 7))).toEqual(keys(all));
    expect(keys(await readAll(q, 7, true))).toEqual(keys(all));
    const desc = await readAll({ ...q, order: 'desc' }, 4);
    expect(keys(desc)).toEqual(keys(all).reverse());
    // The order is by time, then source and line.
    for (let i = 1; i < all.length; i++) expect(all[i]!.key.k).toBeGreaterThanOrEqual(all[i - 1]!.key.k);
    // A page may start at its anchor.
    const at = await source.drillPage(q, { anchor: all[10]!.key, inclusive: true, backward: false, limit: 3 });
    expect(keys([...at])).toEqual(keys(all.slice(10, 13)));
  });

  it('a clean session says that it is a summary, not a raw line', async () => {
    const all = await readAll(query({ kind: 'sessions', title: 'all' }), 1000);
    expect(all.some((l) => !l.raw)).toBe(true);
    expect(all.some((l) => l.raw)).toBe(true);
  });

  it('filters, and finds the next line containing a text with its position, wrapping around', async () => {
    const q = query({ kind: 'sessions', title: 'all' });
    const all = await readAll(q, 1000);
    const matching = all.map((l, i) => [l, i] as const).filter(([l]) => l.text.toLowerCase().includes('be_cookie'));
    expect(matching.length).toBeGreaterThan(2);
    const filtered = { ...q, filter: 'BE_COOKIE' };
    expect(await source.drillCount(filtered)).toBe(matching.length);
    expect((await readAll(filtered, 3)).map((l) => l.key)).toEqual(matching.map(([l]) => l.key));

    const first = await source.drillFind(q, { term: 'Be_Cookie', from: null, backward: false });
    expect(first).toEqual({ key: matching[0]![0].key, index: matching[0]![1] });
    const second = await source.drillFind(q, { term: 'be_cookie', from: first!.key, backward: false });
    expect(second).toEqual({ key: matching[1]![0].key, index: matching[1]![1] });
    const back = await source.drillFind(q, { term: 'be_cookie', from: second!.key, backward: true });
    expect(back!.index).toBe(matching[0]![1]);
    // From the last match, n wraps to the first; N from the first wraps to the last.
    const last = matching[matching.length - 1]!;
    expect((await source.drillFind(q, { term: 'be_cookie', from: last[0].key, backward: false }))!.index).toBe(matching[0]![1]);
    expect((await source.drillFind(q, { term: 'be_cookie', from: matching[0]![0].key, backward: true }))!.index).toBe(last[1]);
    // Newest first: positions count from the newest.
    const desc = await source.drillFind({ ...q, order: 'desc' }, { term: 'be_cookie', from: null, backward: false });
    expect(desc).toEqual({ key: last[0].key, index: all.length - 1 - last[1] });
    expect(await source.drillFind(q, { term: 'no such text anywhere', from: null, backward: false })).toBeNull();
  });

  it('the Sticky drill-down holds only the misses, as many as the row counts', async () => {
    expect(data.analysis.sticky.map((s) => s.method).sort()).toEqual(['cookie', 'source']);
    for (const s of data.analysis.sticky) {
      const target = drillTarget('sticky', data, data.analysis.sticky.indexOf(s))!;
      expect(target).toEqual({ kind: 'sticky', backend: s.backend, method: s.method });
      expect(await source.drillCount(query(target))).toBe(s.misses);
      const sessions = await source.drillCount(query({ kind: 'sessions', title: 'all', backend: s.backend }));
      expect(sessions).toBeGreaterThan(s.misses);
    }
  });

  it('every finding with evidence leads to lines (Enter on the Overview)', async () => {
    const kinds = new Set<string>();
    for (const f of data.analysis.findings) {
      const link = findingLink(f, data);
      if (f.kind === 'lint') continue;
      expect(link, f.title).not.toBeNull();
      if (!link?.target) continue;
      kinds.add(link.target.kind);
      expect(await source.drillCount(query(link.target)), f.title).toBeGreaterThan(0);
    }
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['error', 'events', 'sticky']));
  });

  it('a reject drills to the rejected lines of its reason', async () => {
    await db.run(`INSERT INTO rejects VALUES (99, 7, NULL, 'unknown_format', 'x', 'garbage line', NULL)`);
    const q = query({ kind: 'rejects', reason: 'unknown_format' });
    const lines = await readAll(q, 100);
    expect(lines.find((l) => l.key.sourceId === 99)).toMatchObject({ key: { sourceId: 99, lineNo: 7 }, raw: true, text: 'garbage line' });
    expect(await source.drillCount(q)).toBe(lines.length);
  });

  it('logged text in a filter or search term stays data', async () => {
    const q = query({ kind: 'sessions', title: 'all' }, { filter: "x' OR 1=1 --" });
    expect(await source.drillCount(q)).toBe(0);
    expect(await source.drillFind(query({ kind: 'sessions', title: 'all' }), { term: "' OR ''='", from: null, backward: false })).toBeNull();
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
