/**
 * The incidents of issue 18 against real HAProxy 2.6 (test/e2e/lab/incidents.ts): each scenario is run once, a few
 * at a time, then every client connection must get the cause of what happened (or what its log line can show),
 * and the analysis must name the incident.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config/read-config.js';
import { analyze, type Analysis } from '../../src/diagnose/analyze.js';
import type { Database } from '../../src/store/database.js';
import { skipWithout } from '../helpers/tools.js';
import { runScenario, type ScenarioConfig, type ScenarioResult } from './lab/haproxy-lab.js';
import { CRASH_RECONNECTS, INCIDENT_SCENARIOS, SOURCE_CLIENTS, TZ_ZONE } from './lab/incidents.js';
import { wsLogasapScenario } from './lab/scenarios.js';
import { loadLog, observe } from './truth.js';

const SCENARIOS: Record<string, () => ScenarioConfig> = { ...INCIDENT_SCENARIOS, 'ws-logasap': wsLogasapScenario };
/** Scenarios running at once: they share two cores with whatever else runs. */
const AT_ONCE = 3;

interface Run extends ScenarioResult {
  logPath: string;
  /** Analysis with the configuration it ran with (and, for ws-tz, its zone). */
  load(timeZone?: string): Promise<{ db: Database; analysis: Analysis }>;
}

const runs = new Map<string, Promise<Run>>();

function start(name: string): Promise<Run> {
  return runScenario(SCENARIOS[name]!()).then((result) => {
    const logPath = join(mkdtempSync(join(tmpdir(), `wsdiag-e2e-${name}-`)), 'haproxy.log');
    writeFileSync(logPath, result.lines.join('\n') + '\n');
    return {
      ...result,
      logPath,
      async load(timeZone = 'UTC') {
        const { db } = await loadLog(logPath, result.cfg, 'haproxy.cfg', timeZone);
        return { db, analysis: await analyze(db, { since: null, until: null, backend: null }, readConfig(result.cfg, 'haproxy.cfg')) };
      },
    };
  });
}

/** Every client connection against its session; the mismatches. */
async function mismatches(run: Run, db: Database): Promise<unknown[]> {
  const out = [];
  for (const t of run.truth) {
    const { expected, actual } = await observe(db, t);
    if (JSON.stringify(Array.isArray(actual) ? [expected] : expected) !== JSON.stringify(actual)) out.push({ scenario: t.scenario, port: t.clientPort, ip: t.clientIp, expected, actual });
  }
  return out;
}

const findings = (a: Analysis, kind: string) => a.findings.filter((f) => f.kind === kind);

describe.skipIf(skipWithout('haproxy', 'openssl'))('real HAProxy: incidents an operator meets', () => {
  beforeAll(() => {
    // A few at a time; each test waits for its own.
    const names = Object.keys(SCENARIOS);
    const slots = Array.from({ length: AT_ONCE }, () => Promise.resolve());
    names.forEach((name, i) => {
      const slot = i % AT_ONCE;
      const run = slots[slot]!.then(() => start(name));
      slots[slot] = run.then(() => undefined, () => undefined);
      runs.set(name, run);
      run.catch(() => undefined);
    });
  });

  it.each(Object.keys(SCENARIOS))('%s: every client connection gets the cause its log line shows', { timeout: 180_000 }, async (name) => {
    const run = await runs.get(name)!;
    expect(run.truth.length).toBeGreaterThan(0);
    const { db, analysis } = await run.load(name === 'ws-tz' ? TZ_ZONE : 'UTC');
    try {
      expect(analysis.summary.rejects).toBe(0);
      expect(await mismatches(run, db)).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('ws-queue: a queue timeout is timeout.queue, with the servers at maxconn and the wait', { timeout: 180_000 }, async () => {
    const { db, analysis: a } = await (await runs.get('ws-queue')!).load();
    db.close();
    expect(a.errors.map((e) => e.cause)).not.toContain('no-server');
    expect(a.errors.find((e) => e.cause === 'timeout.queue')).toMatchObject({ status: 503, backend: 'be_queue', server: '<NOSRV>', count: 3 });
    const f = findings(a, 'failure').find((x) => x.title.includes('queue timeout'))!;
    expect(f).toMatchObject({ severity: 'critical', backend: 'be_queue', server: '<NOSRV>' });
    expect(f.detail).toMatch(/were at their maxconn \(q1 maxconn 1\): 3 request\(s\) waited 1(\.0)? s in the queue \(timeout queue 1s\) and gave up/);
    expect(f.advice).toMatch(/raise the servers' maxconn/);
    // The one that waited and was served.
    expect(findings(a, 'queueing')[0]?.title).toMatch(/^1 sessions of be_queue waited in a queue/);
  });

  it('ws-crash: a SIGKILLed server with open tunnels is a mass disconnect tied to its DOWN, followed by a reconnect wave, and no interval', { timeout: 180_000 }, async () => {
    const run = await runs.get('ws-crash')!;
    const { db, analysis: a } = await run.load();
    const { rows } = await db.query("SELECT count(*) AS n, list(DISTINCT termination) AS t FROM sessions WHERE server = 'c1'");
    db.close();
    const onKilled = Number(rows[0]!['n']);
    expect(onKilled).toBeGreaterThanOrEqual(30);
    // The kernel closed the dead process's sockets with a FIN: HAProxy logged every one of them `----`.
    expect(rows[0]!['t']).toEqual(['----']);
    const mass = findings(a, 'mass-disconnect');
    expect(mass).toHaveLength(1);
    expect(mass[0]).toMatchObject({ severity: 'critical', backend: 'be_chat', server: 'c1' });
    expect(mass[0]!.title).toMatch(new RegExp(`^${onKilled} tunnels of be_chat/c1 closed within one second`));
    expect(mass[0]!.detail).toMatch(/be_chat\/c1 went DOWN at .* \(Layer4 connection problem\): it crashed or was killed/);
    // The same tunnels are not a fixed-interval disconnect "outside HAProxy".
    expect(a.disconnects.filter((d) => d.backend === 'be_chat')).toEqual([]);
    const wave = findings(a, 'reconnect-wave');
    expect(wave).toHaveLength(1);
    const row = a.details['reconnect-waves']![0]!;
    // Every client whose tunnel was cut came back in it; how many of its later reconnects fall in the same surge
    // depends on how fast a busy machine runs them.
    expect(row).toMatchObject({ backend: 'be_chat', clients: onKilled, failed: 0 });
    expect(Number(row['upgrades'])).toBeGreaterThanOrEqual(onKilled);
    expect(Number(row['upgrades'])).toBeLessThanOrEqual(onKilled * CRASH_RECONNECTS);
    expect(Number(row['redispatched'])).toBeGreaterThan(0);
    expect(wave[0]!.detail).toMatch(new RegExp(`It followed ${onKilled} tunnels of be_chat/c1 ending together and be_chat/c1 going DOWN`));
    // No client reconnected 20 times in a minute: the wave is the fleet's, not one client's loop.
    expect(findings(a, 'reconnect-storm')).toEqual([]);
  });

  it('ws-sticky-burst: short sticky sessions ending together, their server DOWN later, are no mass disconnect', { timeout: 180_000 }, async () => {
    const { db, analysis: a } = await (await runs.get('ws-sticky-burst')!).load();
    const { rows } = await db.query("SELECT count(*) AS n FROM events WHERE kind = 'server.down' AND server = 'k1'");
    db.close();
    expect(rows[0]!['n']).toBe(1);
    expect(a.details['mass-disconnects']).toEqual([]);
    expect(findings(a, 'mass-disconnect')).toEqual([]);
  });

  it('ws-source: clients really rehash when a server goes DOWN and UP, and the finding says why each moved', { timeout: 180_000 }, async () => {
    const { db, analysis: a } = await (await runs.get('ws-source')!).load();
    const { rows } = await db.query("SELECT count(DISTINCT client_ip) AS moved FROM (SELECT client_ip FROM sessions GROUP BY client_ip HAVING count(DISTINCT server) > 1)");
    db.close();
    const s = a.sticky.find((x) => x.backend === 'be_src')!;
    expect(s).toMatchObject({ method: 'source', connections: SOURCE_CLIENTS * 3 });
    expect(s.reasons['clients_moved']).toBe(Number(rows[0]!['moved']));
    // Some moved because their server went DOWN, others whose server stayed UP: map-based hashing.
    expect(s.reasons['moves_after_down']).toBeGreaterThan(0);
    expect(s.reasons['moves_rehash']).toBeGreaterThan(0);
    expect(s.reasons['moves_unexplained']).toBe(0);
    expect(findings(a, 'sticky')[0]?.advice).toMatch(/hash-type consistent/);
    // Clients coming back one by one are no reconnect wave.
    expect(findings(a, 'reconnect-wave')).toEqual([]);
  });

  it('ws-custom-notsc: without %tsc no tunnel is called ok; the one cut by timeout tunnel is named by its duration', { timeout: 180_000 }, async () => {
    const { db, analysis: a } = await (await runs.get('ws-custom-notsc')!).load();
    const { rows } = await db.query("SELECT cause, cause_confidence FROM session_causes(NULL, NULL, NULL) WHERE upgraded ORDER BY cause");
    db.close();
    expect(rows.map((r) => r['cause'])).not.toContain('ok');
    expect(rows).toContainEqual({ cause: 'timeout.tunnel', cause_confidence: 'duration' });
    const blind = findings(a, 'log-blind-spot');
    expect(blind).toHaveLength(1);
    expect(blind[0]!.title).toMatch(/sessions of fe_mix are logged without a termination state/);
    expect(blind[0]!.advice).toMatch(/%tsc/);
    expect(findings(a, 'failure').filter((f) => f.title.startsWith('1 × 502'))[0]?.advice).toMatch(/%tsc/);
  });

  it('ws-nocapture: 426 and a 403 where others upgrade are rejected upgrades; a 504 there never got its 101; a 504 elsewhere is told to capture Upgrade', { timeout: 180_000 }, async () => {
    const { db, analysis: a } = await (await runs.get('ws-nocapture')!).load();
    db.close();
    const err = (backend: string, status: number) => a.errors.find((e) => e.backend === backend && e.status === status)!;
    expect(err('be_426', 426)).toMatchObject({ cause: 'upgrade.rejected', confidence: 'flags' });
    expect(err('be_chat', 403)).toMatchObject({ cause: 'upgrade.rejected', confidence: 'inferred' });
    expect(err('be_chat', 504)).toMatchObject({ cause: 'timeout.upgrade', confidence: 'inferred' });
    expect(err('be_api', 504)).toMatchObject({ cause: 'timeout.server' });
    for (const e of [err('be_chat', 504), err('be_api', 504)]) expect(e.advice).not.toMatch(/timeout tunnel/);
    expect(err('be_api', 504).advice).toMatch(/capture request header Upgrade len 32/);
    const inferred = findings(a, 'failure').find((f) => f.backend === 'be_chat' && f.title.includes('504'))!;
    expect(inferred.detail).toMatch(/No line shows the Upgrade header: taken for upgrades because other requests to be_chat \/chat upgraded/);
  });

  it(`ws-tz: accept dates are local time of TZ=${TZ_ZONE} (DST), clf dates carry their offset`, { timeout: 180_000 }, async () => {
    const run = await runs.get('ws-tz')!;
    const byZone = async (zone: string) => {
      const { db } = await run.load(zone);
      const { rows } = await db.query('SELECT format, epoch_ms(ts) AS ms FROM sessions ORDER BY ts');
      db.close();
      return (format: string) => rows.filter((r) => r['format'] === format).map((r) => Number(r['ms']));
    };
    const sydney = await byZone(TZ_ZONE);
    const utc = await byZone('UTC');
    expect(sydney('clf')).toHaveLength(2);
    expect(sydney('httplog')).toHaveLength(5);
    // Read in the right zone, every line of the run is from the last minutes, whatever its format.
    for (const ms of [...sydney('clf'), ...sydney('httplog')]) expect(Date.now() - ms).toBeGreaterThanOrEqual(0), expect(Date.now() - ms).toBeLessThan(15 * 60_000);
    // Read as UTC, the httplog lines are off by the zone's offset at that moment (+11:00 in daylight saving time)…
    const first = sydney('httplog')[0]!;
    const name = new Intl.DateTimeFormat('en-US', { timeZone: TZ_ZONE, timeZoneName: 'shortOffset' }).formatToParts(new Date(first)).find((p) => p.type === 'timeZoneName')!.value;
    const hours = Number(/GMT([+-]\d+)/.exec(name)![1]);
    expect(utc('httplog').map((ms, i) => ms - sydney('httplog')[i]!)).toEqual(sydney('httplog').map(() => hours * 3_600_000));
    // …and the clf lines are not: HAProxy writes their date with its offset.
    expect(utc('clf')).toEqual(sydney('clf'));
  });

  it('ws-ipv6: IPv6 clients on a [::1] bind', { timeout: 180_000 }, async () => {
    const { db } = await (await runs.get('ws-ipv6')!).load();
    const { rows } = await db.query('SELECT DISTINCT client_ip FROM sessions');
    db.close();
    expect(rows).toEqual([{ client_ip: '::1' }]);
  });

  it('ws-logasap: tunnels logged at their start are one finding of their frontend, not failures', { timeout: 180_000 }, async () => {
    const { db, analysis: a } = await (await runs.get('ws-logasap')!).load();
    db.close();
    const blind = findings(a, 'log-blind-spot');
    expect(blind).toHaveLength(1);
    expect(blind[0]!.title).toMatch(/sessions of fe_mix are logged at their start \(option logasap\)/);
    expect(findings(a, 'failure').map((f) => f.title).join('\n')).not.toMatch(/logasap/);
  });

  it('ws-noconn: an upgrade without Connection: upgrade is an anomaly on each backend, and the 502 says why', { timeout: 180_000 }, async () => {
    const { db, analysis: a } = await (await runs.get('ws-noconn')!).load();
    db.close();
    const rows = a.details['upgrade-anomalies']!;
    expect(rows.find((r) => r['backend'] === 'be_lenient')).toMatchObject({ count: 1, bad_response: 1, refused: 0 });
    expect(rows.find((r) => r['backend'] === 'be_strict')).toMatchObject({ count: 1, bad_response: 0, refused: 1 });
    const bad = findings(a, 'failure').find((f) => f.backend === 'be_lenient')!;
    expect(bad.detail).toMatch(/without `Connection: upgrade`: the server answered 101 anyway, and HAProxy refused/);
    expect(bad.advice).toMatch(/drops `Connection: upgrade`/);
  });

  it('ws-h2: WebSockets over HTTP/2 are upgrades, no anomaly, and alpn h2 is only an info', { timeout: 180_000 }, async () => {
    const { db, analysis: a } = await (await runs.get('ws-h2')!).load();
    const { rows } = await db.query("SELECT count(*) AS n FROM sessions WHERE http_version = 'HTTP/2.0' AND upgraded AND uri LIKE 'https://%'");
    db.close();
    expect(rows[0]!['n']).toBe(2);
    expect(a.summary.upgrades).toBe(3);
    expect(a.details['upgrade-anomalies']).toEqual([]);
    expect(a.findings).toEqual([]);
    expect(a.lint.find((l) => l.rule === 'h2-on-websocket-bind')).toMatchObject({ severity: 'info' });
  });
});
