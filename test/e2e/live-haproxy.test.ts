/**
 * End to end against real HAProxy 2.6 on 127.0.0.1: run the lab's scenarios now (WebSocket backends that
 * fail on purpose, timeouts scaled to seconds), then check the cause wsdiag gives every client connection
 * and the findings an operator must see. CI installs haproxy; without it this suite fails rather than skips.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/diagnose/analyze.js';
import { readConfig } from '../../src/config/read-config.js';
import { ALL_SCENARIOS, haproxyAvailable, runScenario, type ScenarioResult } from './lab/index.js';
import { loadLog, observe } from './truth.js';
import { skipWithout } from '../helpers/tools.js';

const SCENARIOS = ['ws-httplog', 'ws-intervals', 'ws-incidents', 'ws-tcplog', 'ws-clf', 'ws-custom', 'ws-httpslog', 'events'] as const;

const dir = mkdtempSync(join(tmpdir(), 'wsdiag-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Each scenario runs once per file (HAProxy and its backends take seconds); the tests that read it share the run. */
const runs = new Map<string, Promise<ScenarioResult & { logPath: string }>>();
function run(name: string): Promise<ScenarioResult & { logPath: string }> {
  let result = runs.get(name);
  if (!result) runs.set(name, (result = runOnce(name)));
  return result;
}

async function runOnce(name: string): Promise<ScenarioResult & { logPath: string }> {
  const factory = (ALL_SCENARIOS as Record<string, (() => Parameters<typeof runScenario>[0]) | undefined>)[name];
  if (!factory) throw new Error(`no lab scenario ${name}`);
  const result = await runScenario(factory());
  const logPath = join(dir, `${name}.log`);
  writeFileSync(logPath, result.lines.join('\n') + '\n');
  return { ...result, logPath };
}

describe.skipIf(skipWithout('haproxy'))('real HAProxy', () => {
  it('is installed (CI installs it)', () => {
    expect(haproxyAvailable()).toBe(true);
  });

  describe.each(SCENARIOS)('%s', (name) => {
    it('every client connection gets the cause of what happened', { timeout: 60_000 }, async () => {
      const result = await run(name);
      const { db, report } = await loadLog(result.logPath, result.cfg, `${name}.cfg`);
      expect(report.totals.rejects).toBe(0);
      expect(result.truth.length).toBeGreaterThan(0);
      const mismatches = [];
      for (const t of result.truth) {
        const { expected, actual } = await observe(db, t);
        const same = JSON.stringify(Array.isArray(actual) ? [expected] : expected) === JSON.stringify(actual);
        // What the client saw and the lab did, so that a mismatch on a busy machine can be explained from its report.
        if (!same) mismatches.push({ scenario: t.scenario, port: t.clientPort, expected, actual, client: { closedBy: t.observed.closedBy, events: t.observed.events }, lab: result.notes });
      }
      db.close();
      expect(mismatches).toEqual([]);
    });
  });

  it('ws-intervals: clusters matched to timeout tunnel and timeout client, one outside HAProxy, none from busy tunnels', { timeout: 60_000 }, async () => {
    const result = await run('ws-intervals');
    const { db } = await loadLog(result.logPath, result.cfg, 'haproxy.cfg');
    const a = await analyze(db, { since: null, until: null, backend: null }, readConfig(result.cfg, 'haproxy.cfg'));
    db.close();
    const byBackend = Object.fromEntries(a.disconnects.map((d) => [d.backend, d]));
    expect(Object.keys(byBackend).sort()).toEqual(['be_close', 'be_notunnel', 'be_ws']);
    expect(byBackend['be_ws']).toMatchObject({ count: 8, verdict: 'haproxy-timeout', termination: 'cD--', timeout: { directive: 'timeout tunnel', value_ms: 2000 } });
    expect(byBackend['be_notunnel']).toMatchObject({ count: 8, verdict: 'haproxy-timeout', timeout: { directive: 'timeout client', value_ms: 1500 } });
    expect(byBackend['be_notunnel']!.advice).toMatch(/no `timeout tunnel`/);
    expect(byBackend['be_close']).toMatchObject({ count: 8, verdict: 'outside-haproxy', timeout: null, termination: '----' });
    // be_ws also carried 8 busy tunnels: half its tunnels, none in the cluster.
    expect(byBackend['be_ws']!.share).toBeCloseTo(0.5, 2);
  });

  it('ws-incidents: mass disconnect, reconnect storm and queueing are found', { timeout: 60_000 }, async () => {
    const result = await run('ws-incidents');
    const { db } = await loadLog(result.logPath, result.cfg, 'haproxy.cfg');
    const a = await analyze(db, { since: null, until: null, backend: null }, readConfig(result.cfg, 'haproxy.cfg'));
    db.close();
    expect(a.details['mass-disconnects']?.[0]).toMatchObject({ backend: 'be_mass', server: 'm1', tunnels: 12, terminations: ['SD--'] });
    expect(a.details['reconnect-storms']?.[0]).toMatchObject({ client_ip: '127.0.0.1', backend: 'be_ws' });
    expect(Number(a.details['reconnect-storms']?.[0]?.['attempts'])).toBeGreaterThanOrEqual(25);
    expect(a.details['queueing']?.map((q) => q['backend'])).toContain('be_queue');
    const titles = a.findings.map((f) => f.title).join('\n');
    expect(titles).toMatch(/12 tunnels of be_mass\/m1 closed within one second/);
    expect(titles).toMatch(/Client 127\.0\.0\.1 opened \d+ WebSocket upgrades to be_ws in one minute/);
    expect(titles).toMatch(/sessions of be_queue waited in a queue before a server took them/);
  });

  it('ws-httplog: the findings an operator needs, worst first', { timeout: 60_000 }, async () => {
    const result = await run('ws-httplog');
    const { db } = await loadLog(result.logPath, result.cfg, 'haproxy.cfg');
    const a = await analyze(db, { since: null, until: null, backend: null }, readConfig(result.cfg, 'haproxy.cfg'));
    db.close();
    const titles = a.findings.map((f) => f.title);
    expect(titles[0]).toMatch(/Health check of be_hc\/hc1 gets 101/);
    expect(a.errors.find((e) => e.cause === 'no-server')).toMatchObject({ status: 503, backend: 'be_hc' });
    for (const cause of ['server.bad-response', 'server.hangup', 'server.refused', 'timeout.upgrade', 'timeout.tunnel', 'timeout.client', 'proxy.deny', 'server.abort']) {
      expect(a.errors.map((e) => e.cause), cause).toContain(cause);
    }
    expect(a.sticky.find((s) => s.backend === 'be_cookie')?.reasons['down_server']).toBeGreaterThan(0);
    expect(a.lint.map((l) => l.rule)).toContain('health-check-on-websocket-endpoint');
    expect(a.tunnels.map((t) => t.backend)).toContain('be_ws');
    // Source persistence: be_src balances on the source and one of its servers was killed.
    expect(a.sticky.find((s) => s.backend === 'be_src')).toMatchObject({ method: 'source' });
    expect(a.sticky.find((s) => s.backend === 'be_src')!.misses).toBeGreaterThan(0);
    // 429 from the rate limit on upgrades, and the upgrade sent without Connection: Upgrade.
    expect(a.details['upgrade-denials']).toEqual([expect.objectContaining({ status: 429, count: 3 })]);
    expect(a.details['upgrade-anomalies']?.map((r) => r['problem'])).toContain('connection-without-upgrade');
  });
});
