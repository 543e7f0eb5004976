import { expectContract } from '../helpers/contract.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config/read-config.js';
import { configLogFormats } from '../../src/commands/open-inputs.js';
import { analyze } from '../../src/diagnose/analyze.js';
import { withScopedCauses } from '../../src/diagnose/materialized-scope.js';
import { prepareDiagnoses, runQuery } from '../../src/diagnose/run-query.js';
import { ingestInputs } from '../../src/pipeline/batch-policy.js';
import { storeConfig } from '../../src/store/config-tables.js';
import { openDatabase } from '../../src/store/database.js';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Deterministic PRNG. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

interface Line {
  ip?: string;
  port: number;
  at?: number;
  backend?: string;
  server?: string;
  timers?: string;
  status?: number;
  term?: string;
  upgrade?: boolean;
  uri?: string;
}
const stamp = (ms: number) => {
  const d = new Date(Date.UTC(2026, 10, 22, 4, 0, 0) + ms);
  return `22/Nov/2026:${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}:${String(d.getUTCSeconds()).padStart(2, '0')}.${String(d.getUTCMilliseconds()).padStart(3, '0')}`;
};
const line = (l: Line) =>
  `${l.ip ?? '10.0.0.1'}:${l.port} [${stamp(l.at ?? l.port)}] fe ${l.backend ?? 'be_ws'}/${l.server ?? 'ws1'} ${l.timers ?? '0/0/1/2/100'} ${l.status ?? 101} 100 - - ${l.term ?? '----'} 1/1/1/1/0 0/0 {${l.upgrade === false ? '' : 'websocket'}|${l.upgrade === false ? 'keep-alive' : 'Upgrade'}} "GET ${l.uri ?? '/ws'} HTTP/1.1"`;

const dir = mkdtempSync(join(tmpdir(), 'wsdiag-diag-'));
let n = 0;

async function run(lines: string[], cfg?: string) {
  const db = await openDatabase(null);
  const path = join(dir, `l${n++}.log`);
  writeFileSync(path, lines.join('\n') + '\n');
  if (cfg) await storeConfig(db, readConfig(cfg, 'haproxy.cfg'));
  // Parsed on this thread: these tests are about the diagnoses (parse-on-worker.test.ts holds the worker to the same rows).
  await ingestInputs(db, [path], { timeZone: 'UTC', parseOn: 'main' });
  const result = await analyze(db, { since: null, until: null, backend: null });
  return { db, result };
}

const CFG = 'defaults\n  mode http\n  timeout client 30s\n  timeout server 30s\nfrontend fe\n  default_backend be_ws\nbackend be_ws\n  server ws1 127.0.0.1:1\n';
const idleCut = (count: number, base: number, ms: number, term = 'cD--') =>
  Array.from({ length: count }, (_, i) => line({ port: base + i, timers: `0/0/1/2/${ms + (i % 5)}`, term }));
const busy = (count: number, base: number, seed: number) => {
  const random = rng(seed);
  return Array.from({ length: count }, (_, i) => line({ port: base + i, timers: `0/0/1/2/${Math.floor(100 + random() * 600_000)}` }));
};

describe('cause per session', () => {
  const CASES = [
    [{ status: 101, term: '----' }, 'ok'],
    [{ status: 101, term: 'CD--' }, 'client.abort'],
    [{ status: 503, term: 'SC--' }, 'server.refused'],
    [{ status: 503, term: 'SC--', server: '<NOSRV>' }, 'no-server'],
    [{ status: 502, term: 'SH--', timers: '0/0/1/-1/5' }, 'server.hangup'],
    [{ status: 101, term: 'SD--' }, 'server.abort'],
    [{ status: 502, term: 'PH--' }, 'server.bad-response'],
    [{ status: 429, term: 'PR--', server: '<NOSRV>' }, 'proxy.deny'],
    [{ status: 500, term: 'RR--' }, 'proxy.resource'],
    [{ status: 500, term: 'IR--' }, 'proxy.internal'],
    [{ status: 101, term: 'KD--' }, 'proxy.killed'],
    [{ status: 408, term: 'cR--' }, 'timeout.http-request'],
    [{ status: 503, term: 'sC--' }, 'timeout.connect'],
    [{ status: 503, term: 'sQ--' }, 'timeout.queue'],
    // Waiting in the backend's queue, no server assigned yet: HAProxy logs <NOSRV>; still a queue timeout.
    [{ status: 503, term: 'sQ--', server: '<NOSRV>', timers: '0/1001/-1/-1/1001' }, 'timeout.queue'],
    [{ status: 426, term: '----', upgrade: false }, 'upgrade.rejected'],
    [{ status: 504, term: 'sH--' }, 'timeout.upgrade'],
    [{ status: 504, term: 'sH--', upgrade: false }, 'timeout.server'],
    [{ status: 101, term: 'cD--' }, 'timeout.client'],
    [{ status: 101, term: 'sD--' }, 'timeout.server'],
    [{ status: 200, term: '----' }, 'upgrade.rejected'],
    [{ status: 200, term: '----', upgrade: false }, 'ok'],
    [{ status: 500, term: '----', upgrade: false }, 'server.error'],
  ] as [Partial<Line>, string][];
  // One database holds every case, each on its own client port (each line's cause depends on that line alone).
  let all: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    all = await run(CASES.map(([fields], i) => line({ port: i + 1, ...fields })));
    await prepareDiagnoses(all.db);
  });
  afterAll(() => all?.db.close());

  it.each(CASES.map(([fields, cause], i) => [fields, cause, i + 1] as const))('%o → %s', async (_, cause, port) => {
    const { rows } = await all.db.query('SELECT cause FROM session_causes(NULL, NULL, NULL) WHERE client_port = $port', { port });
    expect(rows).toEqual([{ cause }]);
  });

  it('without captures, takes a failed GET for an upgrade where others upgrade on that backend and path, and says so', async () => {
    const bare = (l: Line) => line(l).replace(/ \{[^}]*\} "/, ' "');
    const { db } = await run([
      bare({ port: 1, uri: '/chat/a' }),
      bare({ port: 2, uri: '/chat/b', status: 403, term: '----' }),
      bare({ port: 3, uri: '/chat/c', status: 504, term: 'sH--', timers: '0/0/0/-1/1000' }),
      bare({ port: 4, uri: '/api/x', status: 504, term: 'sH--', timers: '0/0/0/-1/1000' }),
      bare({ port: 5, uri: '/api/y', status: 404, term: '----' }),
    ]);
    await prepareDiagnoses(db);
    const { rows } = await db.query('SELECT client_port, cause, cause_confidence FROM session_causes(NULL, NULL, NULL) ORDER BY client_port');
    expect(rows).toEqual([
      { client_port: 1, cause: 'ok', cause_confidence: 'flags' },
      { client_port: 2, cause: 'upgrade.rejected', cause_confidence: 'inferred' },
      { client_port: 3, cause: 'timeout.upgrade', cause_confidence: 'inferred' },
      { client_port: 4, cause: 'timeout.server', cause_confidence: 'flags' },
      { client_port: 5, cause: 'ok', cause_confidence: 'flags' },
    ]);
    db.close();
  });

  it('names timeout tunnel when the backend has one', async () => {
    const { db } = await run([line({ port: 1, term: 'cD--' })], CFG.replace('  server ws1', '  timeout tunnel 2s\n  server ws1'));
    await prepareDiagnoses(db);
    expect((await db.query('SELECT cause, cause_confidence FROM session_causes(NULL, NULL, NULL)')).rows).toEqual([{ cause: 'timeout.tunnel', cause_confidence: 'config' }]);
    db.close();
  });
});

describe('fixed-interval disconnects', () => {
  it('matches a pile-up at 30 s to timeout client, with where it is set, and invents nothing from busy tunnels', async () => {
    const { result } = await run([...idleCut(60, 1000, 30001), ...busy(40, 5000, 1)], CFG);
    expect(result.disconnects).toHaveLength(1);
    expect(result.disconnects[0]).toMatchObject({
      backend: 'be_ws', count: 60, share: 0.6, termination: 'cD--', verdict: 'haproxy-timeout',
      timeout: { directive: 'timeout client', value_ms: 30000, where: 'haproxy.cfg:3' },
    });
    expect(result.disconnects[0]!.interval_ms).toBeGreaterThanOrEqual(30001);
    expect(result.disconnects[0]!.advice).toMatch(/timeout tunnel/);
  });

  it('without a configuration, says HAProxy cut them but not which timeout', async () => {
    const { result } = await run([...idleCut(30, 1000, 30001), ...busy(20, 5000, 2)]);
    expect(result.disconnects).toHaveLength(1);
    expect(result.disconnects[0]).toMatchObject({ verdict: 'timeout-unknown-config', timeout: null });
  });

  it('calls a pile-up closed normally with no matching timeout something outside HAProxy', async () => {
    const { result } = await run([...idleCut(50, 1000, 45000, '----'), ...busy(30, 5000, 3)], CFG);
    expect(result.disconnects).toHaveLength(1);
    expect(result.disconnects[0]).toMatchObject({ interval_ms: expect.any(Number), verdict: 'outside-haproxy', timeout: null });
    expect(result.disconnects[0]!.advice).toMatch(/outside HAProxy/);
  });

  it('finds no cluster among busy tunnels ending at random times', async () => {
    for (const seed of [4, 5, 6]) {
      const { result } = await run(busy(300, 1000, seed), CFG);
      expect(result.disconnects, `seed ${seed}`).toEqual([]);
    }
  });
});

describe('other diagnoses', () => {
  it('explains 503 no-server by health checks that get 101', async () => {
    const down = 'Server be_hc/hc1 is DOWN, reason: Layer7 wrong status, code: 101, info: "Switching Protocols", check duration: 1ms. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.';
    const { result } = await run([down, ...Array.from({ length: 4 }, (_, i) => line({ port: i + 1, backend: 'be_hc', server: '<NOSRV>', status: 503, term: 'SC--', timers: '0/-1/-1/-1/0' }))]);
    expect(result.findings[0]).toMatchObject({ severity: 'critical', title: expect.stringMatching(/be_hc\/hc1 gets 101/) });
    expect(result.findings[0]!.detail).toMatch(/4 request\(s\) got 503/);
    expect(result.errors[0]).toMatchObject({ status: 503, cause: 'no-server', backend: 'be_hc', count: 4 });
    expect(result.errors[0]!.evidence).toHaveLength(3);
  });

  it('leaves out a health check that got 101 before the window, and counts DOWNs, not failed checks', async () => {
    const failed = 'Nov 22 03:59:00 lb haproxy[1]: Health check for server be_hc/hc1 failed, reason: Layer7 wrong status, code: 101, info: "Switching Protocols", check duration: 0ms, status: 1/2 UP.';
    const failedAgain = failed.replace('03:59:00', '03:59:01').replace('1/2 UP', '0/2 DOWN');
    const down = 'Nov 22 03:59:01 lb haproxy[1]: Server be_hc/hc1 is DOWN. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.';
    const { db, result } = await run([line({ port: 1 }), failed, failedAgain, down]);
    expect(result.findings.find((f) => f.kind === 'health-check-101')?.detail).toMatch(/2 failed check\(s\) logged; the server went DOWN 1 time\(s\)/);
    const later = await analyze(db, { since: '2026-11-22 03:59:30', until: null, backend: null });
    expect(later.findings.filter((f) => f.kind === 'health-check-101')).toEqual([]);
    db.close();
  });

  it('says a crash or restart when 502 SH come right after the server went DOWN', async () => {
    const down = 'Nov 22 04:00:03 lb haproxy[1]: Server be_ws/ws2 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 1 active and 0 backup servers left. 3 sessions active, 0 requeued, 0 remaining in queue.';
    const hangups = Array.from({ length: 3 }, (_, i) => line({ port: 10 + i, at: 5000 + i, server: 'ws2', status: 502, term: 'SH--', timers: '0/0/1/-1/2' }));
    const { result } = await run([line({ port: 1 }), down, ...hangups]);
    const finding = result.findings.find((f) => f.title.includes('502 server closed before answering'));
    expect(finding?.detail).toMatch(/be_ws\/ws2 went DOWN or failed its check within 30 s of them: a crash or restart/);
    expect(result.errors.find((e) => e.cause === 'server.hangup')?.down_events_nearby).toBe(1);
  });

  it('counts cookie persistence misses by reason', async () => {
    const lines = [
      ...Array.from({ length: 6 }, (_, i) => line({ port: 100 + i, term: '--VN' })),
      ...Array.from({ length: 2 }, (_, i) => line({ port: 200 + i, term: '--DI' })),
      line({ port: 300, term: '--II' }),
      ...Array.from({ length: 4 }, (_, i) => line({ ip: '10.9.9.9', port: 400 + i, term: '--NI' })),
    ];
    const { result } = await run(lines);
    expect(result.sticky).toEqual([
      { backend: 'be_ws', method: 'cookie', connections: 13, misses: 6, miss_rate: 6 / 13, reasons: { down_server: 2, invalid: 1, expired: 0, too_old: 0, no_cookie_repeat: 3 } },
    ]);
  });

  it('reports tunnel percentiles per backend', async () => {
    const lines = Array.from({ length: 100 }, (_, i) => line({ port: i + 1, timers: `0/0/1/2/${(i + 1) * 1000}` }));
    const { result } = await run(lines);
    expect(result.tunnels).toHaveLength(1);
    expect(result.tunnels[0]).toMatchObject({ backend: 'be_ws', count: 100, p50_ms: 50500, max_ms: 100000 });
    expect(Object.values(result.tunnels[0]!.histogram).reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('keeps the JSON contract keys', async () => {
    const { result } = await run([line({ port: 1 })]);
    expectContract(JSON.parse(JSON.stringify(result)), 'analysis');
  });
});

describe('session_causes evaluated once per analysis', () => {
  const samples = new URL('../../samples/', import.meta.url);
  it.each(readdirSync(samples).filter((f) => f.endsWith('.log')))('over %s with its configuration, the scoped macro gives the rows of the full one', async (file) => {
    const db = await openDatabase(null);
    try {
      const cfg = file.replace(/\.log$/, '.cfg');
      const config = readdirSync(samples).includes(cfg) ? readConfig(readFileSync(new URL(cfg, samples), 'utf8'), cfg) : null;
      if (config) await storeConfig(db, config);
      await ingestInputs(db, [new URL(file, samples).pathname], { timeZone: 'UTC', logFormats: configLogFormats(config), parseOn: 'main' });
      await prepareDiagnoses(db);
      const scope = { since: null, until: null, backend: null };
      const read = (columns: string) => db.query(`SELECT ${columns} FROM session_causes($since, $until, $backend) ORDER BY source_id, line_no`, scope);
      const scoped = await withScopedCauses(db, scope, async () => {
        const { columns } = await db.query('SELECT * FROM session_causes(NULL, NULL, NULL) LIMIT 0');
        return { columns, rows: (await read(columns.join(', '))).rows };
      });
      // Every column a diagnosis reads is there (the cause, the flags, the timeouts, the first path segment), with
      // the same values; not the URI, which no diagnosis reads (a query that did would fail: column not found).
      expect(scoped.columns).toEqual(expect.arrayContaining(['cause', 'cause_confidence', 'term_cause', 'term_state', 'term_cookie_client', 'tunnel_timeout_ms', 'client_timeout_where', 'path_prefix']));
      expect(scoped.columns).not.toContain('uri');
      const full = await read(scoped.columns.join(', '));
      expect(scoped.rows.length).toBeGreaterThan(0);
      // The first path segment is kept for the tunnels and the failures only, which the diagnoses that read it
      // read it of.
      const kept = (r: Record<string, unknown>): boolean => r['is_tunnel'] === true || r['cause'] !== 'ok';
      expect(scoped.rows.filter((r) => !kept(r)).every((r) => r['path_prefix'] === '')).toBe(true);
      // The README sample has tunnels and failures with a path: the segment is really there, not always ''.
      if (file === 'ws-httplog.log') expect(scoped.rows.some((r) => kept(r) && r['path_prefix'] !== '')).toBe(true);
      const withoutPath = (rows: readonly Record<string, unknown>[]) => rows.map((r) => (kept(r) ? r : { ...r, path_prefix: '' }));
      expect(scoped.rows).toEqual(withoutPath(full.rows));
    } finally {
      db.close();
    }
  });

  it('finds the mass-disconnect bursts once, the same as the macro does, and refuses another min_count', async () => {
    // Real HAProxy lines: a server killed under open tunnels (test/queries/mass-disconnects/crash).
    const crash = new URL('../queries/mass-disconnects/crash/', import.meta.url);
    const db = await openDatabase(null);
    try {
      await storeConfig(db, readConfig(readFileSync(new URL('haproxy.cfg', crash), 'utf8'), 'haproxy.cfg'));
      await ingestInputs(db, [new URL('input.log', crash).pathname], { timeZone: 'UTC', parseOn: 'main' });
      await prepareDiagnoses(db);
      const scope = { since: null, until: null, backend: null };
      const full = await runQuery(db, 'mass-disconnects', scope);
      expect(full.length).toBeGreaterThan(0);
      await withScopedCauses(db, scope, async () => {
        const tables = await db.query("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'scoped_bursts_%'");
        expect(tables.rows).toHaveLength(1);
        expect(await runQuery(db, 'mass-disconnects', scope)).toEqual(full);
        await expect(runQuery(db, 'mass-disconnects', scope, { min_count: 2 })).rejects.toThrow(/this scope holds the bursts of min_count 10/);
      });
      // After the scope, the macro finds them again from the sessions, with any min_count.
      expect(await runQuery(db, 'mass-disconnects', scope)).toEqual(full);
      expect((await runQuery(db, 'mass-disconnects', scope, { min_count: 2 })).length).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });

  it('gives the same causes as the macro, then leaves the macro as it was and no table behind', async () => {
    const lines = [
      line({ port: 1, backend: 'be_a', status: 502, term: 'SH--' }),
      line({ port: 2, backend: 'be_b', status: 101 }),
      line({ port: 3, backend: 'be_b', status: 503, server: '<NOSRV>', term: 'SC--' }),
    ];
    const { db, result } = await run(lines);
    expect(result.summary.sessions).toBe(3);
    // A narrower scope after the analysis: the macro reads the sessions again, not the analysis' table.
    const { rows } = await db.query("SELECT backend, cause FROM session_causes(NULL, NULL, 'be_b') ORDER BY client_port");
    expect(rows).toEqual([{ backend: 'be_b', cause: 'ok' }, { backend: 'be_b', cause: 'no-server' }]);
    const left = await db.query("SELECT count(*) AS n FROM duckdb_tables() WHERE table_name LIKE 'scoped_%'");
    expect(left.rows[0]!['n']).toBe(0);
    const scoped = await analyze(db, { since: null, until: null, backend: 'be_a' });
    expect(scoped.summary.sessions).toBe(1);
    expect(scoped.errors.map((e) => e.cause)).toEqual(['server.hangup']);
  });
});

describe('open tunnels', () => {
  const sample = (name: string) => new URL(`../../samples/${name}`, import.meta.url);
  it.each([
    ['ws-httplog', 'beconn'],
    ['ws-custom-quoted', 'littles_law'],
  ] as const)("over %s: from %s (HAProxy's count where the format logs it, else tunnels/s × mean duration)", async (name, from) => {
    const db = await openDatabase(null);
    try {
      const config = readConfig(readFileSync(sample(`${name}.cfg`), 'utf8'), `${name}.cfg`);
      await ingestInputs(db, [sample(`${name}.log`).pathname], { timeZone: 'UTC', logFormats: configLogFormats(config), parseOn: 'main' });
      const rows = await runQuery(db, 'open-tunnels', { since: null, until: null, backend: null });
      expect(rows.length).toBeGreaterThan(0);
      const { rows: sessions } = await db.query('SELECT backend, epoch_ms(ts) AS ms, beconn, duration_ms FROM sessions WHERE upgraded ORDER BY ts');
      for (const r of rows) {
        const mine = sessions.filter((s) => s['backend'] === r['backend']);
        const newest = mine[mine.length - 1]!;
        const spanS = Math.max((Number(newest['ms']) - Number(mine[0]!['ms'])) / 1000, 1);
        const meanS = mine.reduce((a, s) => a + Number(s['duration_ms']), 0) / mine.length / 1000;
        const expected = from === 'beconn' ? Number(newest['beconn']) : Math.round((mine.length / spanS) * meanS);
        if (from === 'littles_law') expect(r['beconn']).toBeNull();
        expect(r['open']).toBe(expected);
      }
    } finally {
      db.close();
    }
  });
});
