/** A fixture Analysis with hostile logged text, and a ScreenSource that serves it (drill-downs from arrays). */
import { rowFindingId, type Analysis } from '../../src/diagnose/analyze.js';
import type { Row } from '../../src/store/database.js';
import type { DrillKey, DrillLine, DrillQuery, DrillTarget, ScreenData, ScreenSource } from '../../src/diagnose/screen-data.js';

export const EVIL = '/ws\u001b]0;pwned\u0007\u001b[2J';
export const evilLine = `127.0.0.1:36252 [22/Nov/2026:04:41:38.629] fe_ws be_ws/ws1 0/0/-1/-1/3004 503 217 - - sC-- 2/1/0/0/2 0/0 "GET ${EVIL} HTTP/1.1"`;

export const ANALYSIS: Analysis = {
  scope: { database: null, only_inputs: false, inputs: ['haproxy.log'], since: null, until: null, backend: null },
  summary: {
    lines: 120, sessions: 100, events: 2, rejects: 1, upgrades: 60, from: '2026-11-22T04:41:38.400Z', to: '2026-11-22T04:51:38.400Z',
    accounting: { lines_read: 130, sessions: 100, events: 2, rejects: 1, blank: 17, already_ingested: 10, rolled_back: 0, ingests: 2 },
  },
  errors: [
    { status: 503, cause: 'no-server', confidence: 'flags', backend: 'be_hc', server: '<NOSRV>', count: 7, first: '2026-11-22T04:41:38.401Z', last: '2026-11-22T04:41:39.401Z', terminations: ['SC--'], evidence: [evilLine], down_events_nearby: 0, down_events: [], advice: 'Bring a server up.' },
    { status: 504, cause: 'timeout.upgrade', confidence: 'flags', backend: 'be_slow', server: 'sa1', count: 2, first: null, last: null, terminations: ['sH--'], evidence: [], down_events_nearby: 0, down_events: [], advice: 'The server never answered the 101.' },
  ],
  disconnects: [
    { backend: 'be_ws', interval_ms: 2000, count: 11, share: 0.5, termination: 'cD--', timeout: { directive: 'timeout tunnel', value_ms: 2000, where: 'haproxy.cfg:12' }, verdict: 'haproxy-timeout', advice: 'Ping more often than timeout tunnel.' },
  ],
  sticky: [{ backend: 'be_cookie', method: 'cookie', connections: 40, misses: 4, miss_rate: 0.1, reasons: { down_server: 3, invalid: 1 } }],
  tunnels: [{ backend: 'be_ws', count: 11, p50_ms: 14, p90_ms: 2008, p99_ms: 2010, max_ms: 2010, histogram: { 20: 5, 5000: 6 } }],
  events: [{ ts: '2026-11-22T04:41:38.000Z', kind: 'server.down', proxy: 'be_hc', server: 'hc1', reason: 'Layer7 wrong status', message: 'Server be_hc/hc1 is DOWN' }],
  findings: [
    { id: '', kind: 'failure', severity: 'critical', title: `7 × 503 no server available on be_hc/<NOSRV> ${EVIL}`, detail: 'detail', advice: 'advice', backend: 'be_hc', server: '<NOSRV>' },
    { id: 'sticky-0123456789ab', kind: 'sticky', severity: 'warning', title: '4 sticky-session misses on be_cookie', detail: 'down server 3', advice: 'option redispatch', backend: 'be_cookie', server: null },
    { id: '', kind: 'failure', severity: 'warning', title: '2 × 504 upgrade timeout on be_slow/sa1', detail: 'never answered', advice: 'look at the server', backend: 'be_slow', server: 'sa1' },
  ],
  details: {},
  lint: [],
};
// The error groups' findings carry the ids analyze gives them (findingLink on the Overview matches by id).
ANALYSIS.findings[0]!.id = rowFindingId('errors', ANALYSIS.errors[0] as unknown as Row)!;
ANALYSIS.findings[2]!.id = rowFindingId('errors', ANALYSIS.errors[1] as unknown as Row)!;

export const DATA: ScreenData = {
  analysis: ANALYSIS,
  rejects: [{ source_id: 1, line_no: 9, ts: null, reason: 'unknown_format', detail: 'field 3', raw: `garbage ${EVIL}` }],
  rates: { sessionsPerSecond: 2.5, upgradesPerSecond: 1.5 },
  openTunnels: 42,
  failureTimeline: {
    bucketMs: 1000,
    causes: [
      { cause: 'no-server', perSecond: [0, 1, 2, 4, 0, 0], total: 7 },
      { cause: `server.hangup ${EVIL}`, perSecond: [0, 0, 0, 0, 1, 1], total: 2 },
    ],
  },
  live: { linesRead: 120, linesPerSecond: 12, lagMs: 300, queuedLines: 0, ended: false, inputs: [] },
  since: null,
  tunnelServers: [
    { backend: 'be_ws', server: 'ws1', count: 8, p50_ms: 14, p90_ms: 2008, p99_ms: 2010, max_ms: 2010, histogram: { 20: 4, 5000: 4 } },
    { backend: 'be_ws', server: 'ws2', count: 3, p50_ms: 15, p90_ms: 2000, p99_ms: 2000, max_ms: 2000, histogram: { 20: 1, 5000: 2 } },
  ],
  timeouts: [{ backend: 'be_ws', name: 'tunnel', ms: 2000, text: '2s', where: 'haproxy.cfg:12' }],
};

/** Lines of a drill-down: line 3 of an error carries the hostile URL; `sized` targets have that many lines. */
function linesFor(target: DrillTarget, sizes: Map<string, number>): DrillLine[] {
  const n = sizes.get(target.kind) ?? 1;
  return Array.from({ length: n }, (_, i) => ({
    key: { k: 1_700_000_000_000_000 + i * 1000, sourceId: 1, lineNo: i + 3 },
    ts: null,
    raw: i % 5 !== 4,
    text: i === 0 ? evilLine : `line ${i + 1} of ${n}${i % 97 === 50 ? ' needle' : ''} ${'x'.repeat(i === 1 ? 300 : 10)} END${i + 1}`,
  }));
}

const cmp = (a: DrillKey, b: DrillKey): number => a.k - b.k || a.sourceId - b.sourceId || a.lineNo - b.lineNo;

export interface FixtureSource extends ScreenSource {
  readonly drills: DrillTarget[];
  readonly pages: { readonly anchor: DrillKey | null; readonly limit: number }[];
  readonly sql: string[];
}

/** Serves DATA; drill-downs page through generated lines with the same keyset rules as the SQL. */
export function fixtureSource(data: ScreenData = DATA, sizes: Record<string, number> = {}): FixtureSource {
  const drills: DrillTarget[] = [];
  const pages: FixtureSource['pages'] = [];
  const sql: string[] = [];
  const sizeMap = new Map(Object.entries(sizes));
  const view = (q: DrillQuery): DrillLine[] => {
    const all = linesFor(q.target, sizeMap).filter((l) => !q.filter || l.text.toLowerCase().includes(q.filter.toLowerCase()));
    return q.order === 'asc' ? all : all.reverse();
  };
  return {
    drills,
    pages,
    sql,
    nextRefreshMs: () => null,
    load: async () => data,
    drillCount: async (q) => {
      drills.push(q.target);
      return view(q).length;
    },
    drillPage: async (q, r) => {
      pages.push({ anchor: r.anchor, limit: r.limit });
      const rows = view(q);
      const sign = q.order === 'asc' ? 1 : -1;
      // In view order: rows after (or before, backward) the anchor.
      const after = (l: DrillLine) => !r.anchor || sign * cmp(l.key, r.anchor) > 0 || (r.inclusive && cmp(l.key, r.anchor) === 0);
      const before = (l: DrillLine) => !r.anchor || sign * cmp(l.key, r.anchor) < 0 || (r.inclusive && cmp(l.key, r.anchor) === 0);
      return r.backward ? rows.filter(before).slice(-r.limit) : rows.filter(after).slice(0, r.limit);
    },
    drillFind: async (q, r) => {
      const rows = view(q);
      const from = r.from ? rows.findIndex((l) => cmp(l.key, r.from!) === 0) : -1;
      const order = r.backward ? [...rows.keys()].reverse() : [...rows.keys()];
      const start = r.from ? order.indexOf(from) + 1 : 0;
      const hit = [...order.slice(start), ...order.slice(0, start)].find((i) => rows[i]!.text.toLowerCase().includes(r.term.toLowerCase()));
      return hit === undefined ? null : { key: rows[hit]!.key, index: hit };
    },
    runSql: async (text) => {
      sql.push(text);
      return { columns: ['n', 'url'], rows: [{ n: 1, url: EVIL }] };
    },
  };
}
