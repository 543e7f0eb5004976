/**
 * Small one-off HAProxy runs whose output is quoted in NOTES.md (things that
 * are not worth a sample file of their own). Prints everything to stdout.
 *
 *   npx tsx test/e2e/lab/experiments.ts            # all
 *   npx tsx test/e2e/lab/experiments.ts logasap    # one
 *
 * Like make-samples, it only talks to 127.0.0.1 and every run is bounded.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkConfig, runScenario, type ScenarioConfig } from './haproxy-lab.js';
import { MIX_SERVERS, driveMix, envelopeScenario, eventsScenario, exp, globalSection, mixCfg } from './scenarios.js';

const CAPS = ['capture request header Upgrade len 32', 'capture request header Connection len 32'];

const experiments: Record<string, () => ScenarioConfig | Promise<void>> = {
  /** option logasap: tunnels are logged when the 101 arrives, with "+" on Ta and bytes */
  logasap: () => ({
    name: 'logasap',
    frontends: ['http'],
    servers: MIX_SERVERS,
    cfg: (ctx) => mixCfg(ctx, { frontendLines: ['option httplog', 'option logasap', ...CAPS] }),
    drive: (lab) => driveMix(lab, { idle: true }),
  }),
  /** default line length 1024 vs a 1500-char URL; and len 4096 (URI capped by tune.http.logurilen) */
  'len-1024': () => ({
    name: 'len-1024',
    frontends: ['http'],
    servers: MIX_SERVERS,
    cfg: (ctx) => mixCfg(ctx, { globalOpts: { len: 1024 }, frontendLines: ['option httplog', ...CAPS] }),
    drive: (lab) =>
      lab
        .client({ scenario: 'long', kind: 'http', path: `/search?q=${'a'.repeat(1500)}&end=1`, expected: exp(200, '----', 'ok') })
        .then(() => undefined),
  }),
  'len-default': () => ({
    name: 'len-default',
    frontends: ['http'],
    servers: MIX_SERVERS,
    cfg: (ctx) => mixCfg(ctx, { frontendLines: ['option httplog', ...CAPS] }),
    drive: (lab) =>
      lab
        .client({ scenario: 'long', kind: 'http', path: `/search?q=${'a'.repeat(1500)}&end=1`, expected: exp(200, '----', 'ok') })
        .then(() => undefined),
  }),
  'len-4096': () => ({
    name: 'len-4096',
    frontends: ['http'],
    servers: MIX_SERVERS,
    cfg: (ctx) => mixCfg(ctx, { globalOpts: { len: 4096 }, frontendLines: ['option httplog', ...CAPS] }),
    drive: (lab) =>
      lab
        .client({ scenario: 'long', kind: 'http', path: `/search?q=${'a'.repeat(3000)}&end=1`, expected: exp(200, '----', 'ok') })
        .then(() => undefined),
  }),
  /** rfc3164 with log-send-hostname, and rfc5424 under a non-UTC TZ */
  'rfc3164-hostname': () => ({
    ...envelopeScenario('rfc3164'),
    name: 'rfc3164-hostname',
    cfg: (ctx) =>
      mixCfg(ctx, {
        globalOpts: { format: 'rfc3164', extra: ['log-send-hostname'] },
        frontendLines: ['option httplog', ...CAPS],
      }),
  }),
  'rfc5424-tz': () => ({ ...envelopeScenario('rfc5424'), name: 'rfc5424-tz', env: { TZ: 'Asia/Kolkata' } }),
  'iso-tz': () => ({ ...envelopeScenario('iso'), name: 'iso-tz', env: { TZ: 'America/New_York' } }),
  /** the events scenario under rfc5424, to see the syslog severity of each event line */
  'events-rfc5424': () => {
    const sc = eventsScenario();
    return {
      ...sc,
      name: 'events-rfc5424',
      cfg: (ctx) => sc.cfg(ctx).replace('log stdout format raw local0', 'log stdout format rfc5424 local0'),
    };
  },
  /** client FIN (not RST) while the server is slow, with and without abortonclose */
  'abortonclose-fin': () => ({
    name: 'abortonclose-fin',
    frontends: ['http'],
    servers: { slow: { behaviour: 'slow:3000' }, late: { behaviour: 'slow:800' } },
    cfg: ({ fe, srv }) => `${globalSection()}
defaults
    mode http
    log global
    option httplog
    timeout connect 1s
    timeout client 3s
    timeout server 1500ms

frontend fe_aoc
    bind 127.0.0.1:${fe.http}
    use_backend be_aoc if { path_beg /aoc }
    use_backend be_late if { path_beg /late }
    default_backend be_plain

backend be_late
    server l1 127.0.0.1:${srv.late}

backend be_plain
    server p1 127.0.0.1:${srv.slow}

backend be_aoc
    option abortonclose
    server a1 127.0.0.1:${srv.slow}
`,
    drive: async (lab) => {
      // "fin" after the request: the client half-closes, then waits for the answer
      await Promise.all([
        lab.client({ scenario: 'plain.fin', path: '/plain', halfCloseAfterRequest: true, maxMs: 4000, expected: exp(504, 'sH--', 'timeout.server') }),
        lab.client({ scenario: 'aoc.fin', path: '/aoc', halfCloseAfterRequest: true, maxMs: 4000, expected: exp(-1, 'CH--', 'client.abort') }),
        lab.client({ scenario: 'plain.fin.http', kind: 'http', path: '/plain', halfCloseAfterRequest: true, maxMs: 4000, expected: exp(504, 'sH--', 'timeout.server') }),
        lab.client({ scenario: 'aoc.fin.http', kind: 'http', path: '/aoc', halfCloseAfterRequest: true, maxMs: 4000, expected: exp(-1, 'CH--', 'client.abort') }),
        lab.client({ scenario: 'plain.rst', path: '/plain', abortAfterMs: 300, maxMs: 4000, expected: exp(504, 'sH--', 'timeout.server') }),
        lab.client({ scenario: 'aoc.rst', path: '/aoc', abortAfterMs: 300, maxMs: 4000, expected: exp(-1, 'CH--', 'client.abort') }),
        // client gives up at 300 ms, the server answers 101 at 800 ms
        lab.client({ scenario: 'late.rst', path: '/late', abortAfterMs: 300, maxMs: 4000, expected: exp(101, 'CD--', 'client.abort') }),
        lab.client({ scenario: 'late.rst.http', kind: 'http', path: '/late', abortAfterMs: 300, maxMs: 4000, expected: exp(200, 'CD--', 'client.abort') }),
      ]);
    },
  }),
  /** a probe connection with no data: logged as CR-- 400 <BADREQ> unless dontlognull */
  'null-connection': () => ({
    name: 'null-connection',
    frontends: ['http', 'quiet'],
    servers: MIX_SERVERS,
    cfg: (ctx) =>
      mixCfg(ctx, { frontendLines: ['option httplog', ...CAPS] }) +
      `
frontend fe_quiet
    bind 127.0.0.1:${ctx.fe.quiet}
    option httplog
    option dontlognull
    default_backend be_web
`,
    drive: async (lab) => {
      await lab.client({ scenario: 'null.fin', kind: 'raw', rawPayload: '', end: 'fin', expected: exp(400, 'CR--', 'client.abort') });
      await lab.client({ scenario: 'null.rst', kind: 'raw', rawPayload: '', end: 'rst', expected: exp(400, 'CR--', 'client.abort') });
      await lab.client({ scenario: 'null.timeout', kind: 'raw', rawPayload: '', end: 'wait', maxMs: 3000, expected: exp(408, 'cR--', 'timeout.client') });
      await lab.client({ fe: 'quiet', scenario: 'null.fin.dontlognull', kind: 'raw', rawPayload: '', end: 'fin', expected: exp(null, 'none', 'client.abort') });
      await lab.client({ scenario: 'bad-request', kind: 'raw', rawPayload: 'HELLO\r\n\r\n', expected: exp(400, 'PR--', 'client.abort') });
    },
  }),
  /** log-format configs HAProxy 2.6 refuses or accepts (haproxy -c only) */
  'logformat-check': async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsdiag-lab-lfcheck-'));
    try {
      const variants: Record<string, string> = {
        'req.hdr direct': 'log-format "%ci:%cp %[req.hdr(Upgrade)]"',
        'capture.req.hdr(0)': 'log-format "%ci:%cp %[capture.req.hdr(0)]"',
        'var(txn.upg)': 'log-format "%ci:%cp %[var(txn.upg)]"',
      };
      for (const [name, lf] of Object.entries(variants)) {
        const cfg = `${globalSection()}
defaults
    mode http
    log global
    timeout connect 1s
    timeout client 1s
    timeout server 1s

frontend fe
    bind 127.0.0.1:8
    capture request header Upgrade len 32
    ${lf}
    default_backend be

backend be
    server s1 127.0.0.1:9
`;
        const p = path.join(dir, 'haproxy.cfg');
        fs.writeFileSync(p, cfg);
        try {
          const out = checkConfig(p);
          console.log(`--- ${name}: ACCEPTED\n${out.trim()}`);
        } catch (e) {
          console.log(`--- ${name}: REFUSED\n${(e as Error).message.trim()}`);
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  for (const [name, make] of Object.entries(experiments)) {
    if (only.length && !only.includes(name)) continue;
    console.log(`\n==================== ${name}`);
    const sc = await make();
    if (!sc) continue;
    const res = await runScenario(sc);
    res.lines.forEach((l, i) => console.log(`${String(i + 1).padStart(3)} [${l.length}] ${l}`));
    if (res.stderr.length) console.log('--- stderr\n' + res.stderr.join('\n'));
    for (const t of res.truth)
      console.log(`truth ${t.clientPort} ${t.scenario} status=${t.observed.status} closedBy=${t.observed.closedBy} ${t.endMs - t.startMs}ms`);
  }
}

await main();
