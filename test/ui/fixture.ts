/** A fixture Analysis with hostile logged text, and a ScreenSource that serves it. */
import type { Analysis } from '../../src/diagnose/analyze.js';
import type { DrillTarget, ScreenData, ScreenSource } from '../../src/diagnose/screen-data.js';

export const EVIL = '/ws\u001b]0;pwned\u0007\u001b[2J';
const evilLine = `127.0.0.1:36252 [22/Nov/2026:04:41:38.629] fe_ws be_ws/ws1 0/0/-1/-1/3004 503 217 - - sC-- 2/1/0/0/2 0/0 "GET ${EVIL} HTTP/1.1"`;

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
  tunnels: [{ backend: 'be_ws', count: 11, p50_ms: 14, p90_ms: 2008, p99_ms: 2010, max_ms: 2010, histogram: { '<100ms': 5, '1-10s': 6 } }],
  events: [{ ts: '2026-11-22T04:41:38.000Z', kind: 'server.down', proxy: 'be_hc', server: 'hc1', reason: 'Layer7 wrong status', message: 'Server be_hc/hc1 is DOWN' }],
  findings: [
    { id: 'failure-0123456789ab', kind: 'failure', severity: 'critical', title: `7 × 503 no server available on be_hc/<NOSRV> ${EVIL}`, detail: 'detail', advice: 'advice', backend: 'be_hc', server: '<NOSRV>' },
    { id: 'sticky-0123456789ab', kind: 'sticky', severity: 'warning', title: '4 sticky-session misses on be_cookie', detail: 'down server 3', advice: 'option redispatch', backend: 'be_cookie', server: null },
  ],
  details: {},
  lint: [],
};

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
};

export function fixtureSource(data: ScreenData = DATA): ScreenSource & { drills: DrillTarget[]; sql: string[] } {
  const drills: DrillTarget[] = [];
  const sql: string[] = [];
  return {
    drills,
    sql,
    nextRefreshMs: () => null,
    load: async () => data,
    drill: async (target) => {
      drills.push(target);
      return { title: 'raw', lines: [{ sourceId: 1, lineNo: 3, text: evilLine }] };
    },
    runSql: async (text) => {
      sql.push(text);
      return { columns: ['n', 'url'], rows: [{ n: 1, url: EVIL }] };
    },
  };
}

export const tick = (ms = 30): Promise<void> => new Promise((r) => setTimeout(r, ms));
