/**
 * Rewrites that made the diagnoses cheap on large archives keep every answer. Each file of reference/ is a query as
 * it was before (the plain formulation over every session: session_causes over the sessions view, the bursts of
 * every second, the lag of every client, every per-client count), and each case here runs it and today's query over
 * the same store and compares the rows: over every golden input and sample, and over a generated incident that has
 * what the rewrites prune for (mass disconnects across a second's edge, a reconnect wave, source and cookie
 * persistence, a reconnect storm), with and without its configuration and over windows and one backend.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { configFrontendFormats, configLogFormats } from '../../src/commands/open-inputs.js';
import { readConfig } from '../../src/config/read-config.js';
import { withScopedCauses } from '../../src/diagnose/materialized-scope.js';
import { loadQueries, parseQueryFile } from '../../src/diagnose/load-queries.js';
import { prepareDiagnoses, QUERY_DEFAULTS, runQueryResult, type Scope } from '../../src/diagnose/run-query.js';
import { ingestInputs } from '../../src/pipeline/batch-policy.js';
import { storeConfig } from '../../src/store/config-tables.js';
import { openDatabase, type Database, type Row, type SqlValue } from '../../src/store/database.js';
import { distinctInputs, type NamedInput } from '../helpers/distinct-inputs.js';

const HERE = fileURLToPath(new URL('./', import.meta.url));
const REFERENCE = join(HERE, 'reference');
const SAMPLES = fileURLToPath(new URL('../../samples/', import.meta.url));
const text = (file: string): string => readFileSync(join(REFERENCE, file), 'utf8');

/** The reference macros, under names of their own, reading the reference view. */
async function defineReferences(db: Database): Promise<void> {
  await db.run(text('sessions-view.sql'));
  await db.run(text('session-causes.sql').replace('MACRO session_causes(', 'MACRO reference_session_causes(').replace('FROM sessions s', 'FROM reference_sessions s'));
  await db.run(text('mass-disconnect-bursts.sql').replace('MACRO mass_disconnect_bursts(', 'MACRO reference_mass_disconnect_bursts('));
}

/** Diagnoses whose query was rewritten, each with its reference (which reads today's session_causes). */
const REWRITTEN = ['reconnect-waves', 'sticky-source', 'sticky-cookie', 'summary', 'log-blind-spots'] as const;

const sorted = (rows: readonly Row[]): string[] => rows.map((r) => JSON.stringify(r)).sort();

async function referenceRows(db: Database, name: string, scope: Scope): Promise<Row[]> {
  const q = parseQueryFile(text(`${name}.sql`), `${name}.sql`);
  const values: Record<string, SqlValue> = { ...QUERY_DEFAULTS, ...scope };
  const params = Object.fromEntries(q.params.map((p) => [p, values[p] ?? null]));
  return [...(await db.query(q.sql, params)).rows];
}

/** Every comparison over one store and scope. */
async function expectSameAnswers(db: Database, scope: Scope, label: string): Promise<void> {
  const params = { ...scope };
  const causes = await db.query('SELECT * FROM session_causes($since, $until, $backend) ORDER BY source_id, line_no', params);
  const reference = await db.query('SELECT * FROM reference_session_causes($since, $until, $backend) ORDER BY source_id, line_no', params);
  expect(causes.columns, `${label}: session_causes' columns`).toEqual(reference.columns);
  expect(causes.rows, `${label}: session_causes`).toEqual(reference.rows);
  const bursts = (macro: string) => db.query(`SELECT * FROM ${macro}($since, $until, $backend, $min_count)`, { ...params, min_count: QUERY_DEFAULTS['min_count']! });
  expect(sorted((await bursts('mass_disconnect_bursts')).rows), `${label}: mass_disconnect_bursts`).toEqual(sorted((await bursts('reference_mass_disconnect_bursts')).rows));
  const expected = new Map<string, string[]>();
  for (const name of REWRITTEN) {
    expected.set(name, sorted(await referenceRows(db, name, scope)));
    expect(sorted((await runQueryResult(db, name, scope)).rows), `${label}: ${name}`).toEqual(expected.get(name));
  }
  // And through the analysis's materialized scope, as analyze runs them: every one inside one scope.
  await withScopedCauses(db, scope, async () => {
    for (const name of REWRITTEN) {
      expect(sorted((await runQueryResult(db, name, scope)).rows), `${label}: ${name} over the materialized scope`).toEqual(expected.get(name));
    }
  });
}

async function storeOf(log: string, cfg: string | null): Promise<Database> {
  const db = await openDatabase(null);
  const config = cfg ? readConfig(readFileSync(cfg, 'utf8'), 'haproxy.cfg') : null;
  if (config) await storeConfig(db, config);
  await ingestInputs(db, [log], { timeZone: 'UTC', logFormats: configLogFormats(config), frontendFormats: configFrontendFormats(config), parseOn: 'main' });
  await prepareDiagnoses(db);
  // The plain formulations are the oracle, not wsdiag's queries: unoptimised on purpose, they evaluate
  // session_causes once per reference, and with two DuckDB threads their peak depends on how the threads were
  // scheduled (the old reconnect-waves failed to allocate at the 160 MiB analysis limit, over 67 lines). They get
  // room, so that what fails here is a difference of answers; wsdiag's own queries are held to small limits by
  // test/diagnose/spill.test.ts.
  await db.setMemoryLimit('1GiB');
  await defineReferences(db);
  return db;
}

const ALL: Scope = { since: null, until: null, backend: null };

describe('rewritten diagnoses give the answers of their plain formulation', () => {
  const isDir = (p: string): boolean => statSync(p).isDirectory();
  const candidates: NamedInput[] = [
    ...readdirSync(HERE).filter((q) => q !== 'reference' && isDir(join(HERE, q))).flatMap((q) =>
      readdirSync(join(HERE, q)).filter((c) => isDir(join(HERE, q, c))).map((c) => [`${q}/${c}`, join(HERE, q, c, 'input.log'), join(HERE, q, c, 'haproxy.cfg')] as const)),
    ...readdirSync(SAMPLES).filter((f) => f.endsWith('.log')).map((f) => [`samples/${f}`, join(SAMPLES, f), join(SAMPLES, f.replace(/\.log$/, '.cfg'))] as const),
  ].map(([label, log, cfg]) => ({ label, log, config: existsSync(cfg) ? cfg : null }));
  const inputs = distinctInputs(candidates).map(({ labels, log, config }) => [labels.join(', '), log, config] as const);

  it('reads each distinct input once, and every case and sample is one of them', () => {
    expect(inputs.length).toBeLessThan(candidates.length);
    expect(inputs.flatMap(([labels]) => labels.split(', ')).sort()).toEqual(candidates.map(({ label }) => label).sort());
  });

  it.each(inputs)('over %s', async (label, log, cfg) => {
    const db = await storeOf(log, cfg);
    try {
      await expectSameAnswers(db, ALL, label);
    } finally {
      db.close();
    }
  });

  describe('over a generated incident', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'wsdiag-reference-'));
      writeFileSync(join(dir, 'incident.log'), incidentLog(20261122).join('\n') + '\n');
      writeFileSync(join(dir, 'haproxy.cfg'), INCIDENT_CFG);
    });

    it.each([
      ['without its configuration', false, ALL],
      ['with its configuration', true, ALL],
      ['over a window', true, { since: '2026-11-22 04:03:00', until: '2026-11-22 04:07:30', backend: null }],
      ['over one backend', false, { since: null, until: null, backend: 'be_ws' }],
      ['over a window of one backend, without configuration', false, { since: '2026-11-22 04:01:00', until: null, backend: 'be_src' }],
    ] as const)('%s', async (label, withConfig, scope) => {
      const db = await storeOf(join(dir, 'incident.log'), withConfig ? join(dir, 'haproxy.cfg') : null);
      try {
        // The incident has what the rewrites prune for: the cases must not pass by being empty.
        const bursts = await db.query('SELECT count(*) AS n FROM reference_mass_disconnect_bursts(NULL, NULL, NULL, 10)');
        expect(Number(bursts.rows[0]!['n'])).toBeGreaterThanOrEqual(2);
        const waves = await referenceRows(db, 'reconnect-waves', ALL);
        expect(waves.length).toBeGreaterThanOrEqual(1);
        expect((await referenceRows(db, 'sticky-source', ALL)).some((r) => Number(r['misses']) > 0)).toBe(true);
        expect((await referenceRows(db, 'sticky-cookie', ALL)).some((r) => Number(r['misses']) > 0)).toBe(true);
        await expectSameAnswers(db, scope, label);
      } finally {
        db.close();
      }
    });
  });

  it('covers every rewritten query that has a reference', () => {
    const files = readdirSync(REFERENCE).map((f) => f.replace(/\.sql$/, ''));
    expect(files.sort()).toEqual([...REWRITTEN, 'mass-disconnect-bursts', 'session-causes', 'sessions-view'].sort());
    for (const name of REWRITTEN) expect(loadQueries().has(name)).toBe(true);
  });
});

/** Deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASE = Date.UTC(2026, 10, 22, 4, 0, 0);
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const accept = (ms: number): string => {
  const d = new Date(BASE + ms);
  return `22/Nov/2026:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
};
const syslog = (ms: number): string => {
  const d = new Date(BASE + ms);
  return `Nov 22 ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} lb1 haproxy[7]:`;
};

interface Session {
  ip: string;
  at: number;
  fe?: string;
  backend: string;
  server: string;
  duration: number;
  status: number;
  term?: string;
  upgrade?: boolean;
  uri?: string;
  queue?: string;
  retries?: string;
  /** Logged at its start (option logasap): a `+` before Ta. */
  logasap?: boolean;
}

const sessionLine = (s: Session): string =>
  `${syslog(s.at)} ${s.ip}:${1024 + Math.floor(s.at % 60000)} [${accept(s.at)}] ${s.fe ?? 'fe'} ${s.backend}/${s.server} 0/0/1/2/${s.logasap ? '+' : ''}${s.duration} ${s.status} 100 - - ` +
  `${s.term ?? '----'} 10/10/5/2/${s.retries ?? '0'} ${s.queue ?? '0/0'} {${s.upgrade === false ? '' : 'websocket'}|${s.upgrade === false ? 'keep-alive' : 'Upgrade'}} "GET ${s.uri ?? '/ws/feed'} HTTP/1.1"`;

const INCIDENT_CFG = `defaults
  mode http
  timeout client 30s
  timeout server 30s
  timeout queue 5s
frontend fe
  default_backend be_ws
backend be_ws
  timeout tunnel 1h
  server ws1 10.0.1.1:80
  server ws2 10.0.1.2:80
  server ws3 10.0.1.3:80
  server ws4 10.0.1.4:80
backend be_src
  balance source
  server src1 10.0.2.1:80
  server src2 10.0.2.2:80
  server src3 10.0.2.3:80
backend be_ck
  cookie SRV insert indirect nocache
  server ck1 10.0.3.1:80 cookie ck1
  server ck2 10.0.3.2:80 cookie ck2
`;

/**
 * Ten minutes of a proxy: steady WebSocket and HTTP traffic with failures; ws2 crashes at 200.9975 s (its tunnels
 * end across a second's edge, SD) and the fleet reconnects; ws3's tunnels close cleanly at 350.5 s just before it
 * goes DOWN; clients of be_src keep their server (source persistence) but for a few; be_ck's cookies name a DOWN
 * server, are invalid, or never come back; one client loops on failed upgrades.
 */
function incidentLog(seed: number): string[] {
  const random = prng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]!;
  const clients = Array.from({ length: 400 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.${1 + (i % 250)}`);
  const lines: { at: number; text: string }[] = [];
  const add = (s: Session): void => void lines.push({ at: s.at, text: sessionLine(s) });
  const event = (at: number, text: string): void => void lines.push({ at, text: `${syslog(at)} ${text}` });
  const servers = ['ws1', 'ws2', 'ws3', 'ws4'];
  // Steady traffic: tunnels that live seconds to minutes (a fifth end at the 30 s idle timeout), HTTP requests.
  for (let i = 0; i < 2500; i++) {
    const at = int(0, 600_000);
    const kind = random();
    if (kind < 0.45) {
      const idle = random() < 0.2;
      add({ ip: pick(clients), at, backend: 'be_ws', server: pick(servers), duration: idle ? 30_000 + int(0, 40) : int(1000, 300_000), status: 101, term: idle ? 'cD--' : pick(['----', '----', 'CD--', 'sD--']) });
    } else if (kind < 0.8) {
      add({ ip: pick(clients), at, backend: pick(['be_api', 'be_ws']), server: pick(['api1', 'api2']), duration: int(1, 80), status: pick([200, 200, 304, 404]), upgrade: false, uri: pick(['/api/orders', '/api/cart?x=1', '/ws/feed']) });
    } else if (kind < 0.9) {
      const [status, term, server] = pick([[502, 'SH--', 'ws1'], [503, 'SC--', '<NOSRV>'], [504, 'sH--', 'ws4'], [426, '----', 'ws2'], [400, '----', 'ws1']] as const);
      add({ ip: pick(clients), at, backend: 'be_ws', server, duration: int(0, 3000), status, term, uri: pick(['/ws/feed', '/live/x']) });
    } else {
      // Queued sessions, some redispatched.
      add({ ip: pick(clients), at, backend: 'be_ws', server: pick(servers), duration: int(1000, 60_000), status: 101, queue: `${int(1, 4)}/${int(0, 3)}`, retries: pick(['0', '+1']) });
    }
  }
  // ws2 crashes: 150 tunnels end from 200.997 s to 201.006 s (SD), and their clients reconnect within a few seconds.
  for (let i = 0; i < 150; i++) {
    const end = 200_997 + int(0, 9);
    const duration = int(5_000, 150_000);
    const ip = clients[i]!;
    add({ ip, at: end - duration, backend: 'be_ws', server: 'ws2', duration, status: 101, term: 'SD--' });
    add({ ip, at: end + int(200, 4_000), backend: 'be_ws', server: pick(['ws1', 'ws3', 'ws4']), duration: int(1000, 200_000), status: 101, retries: pick(['0', '0', '+1']) });
  }
  event(201_500, 'Server be_ws/ws2 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 3 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.');
  // ws3's tunnels close cleanly together, and it goes DOWN right after (a killed process).
  for (let i = 0; i < 60; i++) {
    const end = 350_500 + int(0, 300);
    const duration = int(20_000, 200_000);
    add({ ip: clients[150 + i]!, at: end - duration, backend: 'be_ws', server: 'ws3', duration, status: 101 });
  }
  event(352_000, 'Server be_ws/ws3 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 2 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.');
  // Source persistence: each client keeps its server, but for a few that move (one after src2 goes DOWN).
  for (let c = 0; c < 60; c++) {
    const ip = clients[200 + c]!;
    const home = `src${1 + (c % 3)}`;
    for (let k = 0; k < 4; k++) {
      const at = 10_000 + c * 8_000 + k * 1_500;
      const moved = c % 12 === 0 && k >= 2;
      add({ ip, at, backend: 'be_src', server: moved ? `src${1 + ((c + 1) % 3)}` : home, duration: int(50, 900), status: 200, upgrade: false, uri: '/src/page' });
    }
  }
  event(300_000, 'Server be_src/src2 is DOWN, reason: Layer4 timeout, check duration: 2001ms. 2 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.');
  // Cookie persistence: valid, down-server, invalid cookies; clients that never keep one.
  for (let i = 0; i < 300; i++) {
    const c = i % 40;
    const term = c < 3 ? '--NI' : c < 6 ? '--DI' : c < 8 ? '--II' : '--VN';
    add({ ip: clients[300 + c]!, at: int(0, 600_000), backend: 'be_ck', server: pick(['ck1', 'ck2']), duration: int(20, 400), status: 200, term, upgrade: false, uri: '/ck' });
  }
  // A client that loops on failed upgrades: 40 in one minute.
  for (let i = 0; i < 40; i++) add({ ip: '192.0.2.77', at: 420_000 + i * 1_400, backend: 'be_ws', server: 'ws1', duration: 3, status: 502, term: 'SH--' });
  // Sessions logged at their start (logasap) and an IPv6 client.
  for (let i = 0; i < 5; i++) add({ ip: '2001:db8::7', at: 500_000 + i * 100, backend: 'be_ws', server: 'ws4', duration: 40, status: 101, term: '----', logasap: i % 2 === 0 });
  return lines.sort((a, b) => a.at - b.at).map((l) => l.text);
}
