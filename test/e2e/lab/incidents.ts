/**
 * Incidents an operator meets that the first scenarios did not have (issue 18): each is one real HAProxy run,
 * short timeouts, loopback only. The expected state of every client is what HAProxy 2.6 really logged when
 * these were written (NOTES.md §12); the expected cause is what happened, or, where the log cannot show it,
 * what the log does show (said per case).
 */
import type { CfgContext, LabContext, ScenarioConfig } from './haproxy-lab.js';
import { MIX_SERVERS, driveMix, exp, globalSection, mixCfg } from './scenarios.js';
import type { Expected, Truth } from './ws-client.js';

const CAPTURES = ['    capture request header Upgrade len 32', '    capture request header Connection len 32'];

/** A distinct loopback source address per lab client: 127.<block>.<i / 250>.<i % 250 + 1>. */
export const loopback = (block: number, i: number): string => `127.${block}.${Math.floor(i / 250)}.${(i % 250) + 1}`;

// =====================================================================================
// ws-queue: a server at maxconn 1 with one long tunnel; upgrades wait in the backend's
// queue. Three give up after `timeout queue 1s` (503 sQ--, <NOSRV>: still unassigned),
// one is served when the tunnel ends.
// =====================================================================================

export function wsQueueScenario(): ScenarioConfig {
  return {
    name: 'ws-queue',
    frontends: ['http'],
    servers: { q: { behaviour: 'echo' } },
    cfg: ({ fe, srv }: CfgContext) => `${globalSection()}
defaults
    mode http
    log global
    option httplog
    timeout connect 1s
    timeout client 5s
    timeout server 5s
    timeout queue 1s
    timeout tunnel 10s

frontend fe_queue
    bind 127.0.0.1:${fe.http}
${CAPTURES.join('\n')}
    default_backend be_queue

backend be_queue
    server q1 127.0.0.1:${srv.q} maxconn 1
`,
    drive: async (lab: LabContext) => {
      const c = lab.client;
      // Holds the server's only slot until released, once the three have given up and the fourth is sent (an event, not a
      // time: on a loaded machine a fixed hold outlived the fourth's `timeout queue`).
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const holder = c({ scenario: 'queue.holder', backend: 'be_queue', path: '/feed', messages: ['x'], holdUntil: released, maxMs: 15_000, expected: exp(101, '----', 'ok') });
      await lab.sleep(200);
      const gaveUp = Array.from({ length: 3 }, () =>
        c({ scenario: 'queue.timeout', backend: 'be_queue', path: '/feed', maxMs: 4000, expected: exp(503, 'sQ--', 'timeout.queue') }));
      await Promise.all(gaveUp);
      // Queued behind the holder, then served when it leaves.
      const served = c({ scenario: 'queue.served', backend: 'be_queue', path: '/feed', messages: ['y'], maxMs: 4000, expected: exp(101, '----', 'ok') });
      release();
      await Promise.all([holder, served]);
    },
    maxMs: 15_000,
  };
}

// =====================================================================================
// ws-crash: 64 clients hold tunnels on a two-server backend; c1 (its own process) is
// SIGKILLed with 32 of them open. The kernel closes its sockets with a FIN: HAProxy
// logs those tunnels `----`, not `SD`. Health checks mark c1 DOWN a moment later. Every
// client that lost its tunnel reconnects at once, four times: a fleet-wide wave, the
// first attempts refused by the dead c1 and redispatched to c2.
// =====================================================================================

export const CRASH_CLIENTS = 64;
export const CRASH_RECONNECTS = 4;

export function wsCrashScenario(): ScenarioConfig {
  return {
    name: 'ws-crash',
    frontends: ['http'],
    servers: { c1: { behaviour: 'echo', process: true }, c2: { behaviour: 'echo' } },
    // A time stamp on every line (iso): the DOWN event has none in the raw format.
    cfg: ({ fe, srv }: CfgContext) => `${globalSection({ format: 'iso' })}
defaults
    mode http
    log global
    option httplog
    timeout connect 300ms
    timeout client 5s
    timeout server 5s
    timeout tunnel 20s
    timeout check 1s
    retries 1
    option redispatch

frontend fe_chat
    bind 127.0.0.1:${fe.http}
    maxconn 2000
${CAPTURES.join('\n')}
    default_backend be_chat

backend be_chat
    balance roundrobin
    option httpchk GET /health
    server c1 127.0.0.1:${srv.c1} check inter 400 fall 2 rise 2
    server c2 127.0.0.1:${srv.c2} check inter 400 fall 2 rise 2
`,
    drive: async (lab: LabContext) => {
      const c = lab.client;
      const ready: Promise<unknown>[] = [];
      const clients: Promise<void>[] = [];
      let dead!: () => void;
      const killed = new Promise<void>((r) => (dead = r));
      for (let i = 0; i < CRASH_CLIENTS; i++) {
        const ip = loopback(1, i);
        let opened!: () => void;
        ready.push(new Promise<void>((r) => (opened = r)));
        clients.push((async () => {
          // The long tunnel; its fate depends on the server roundrobin gives it, known from the log afterwards.
          // Closed by the client after 4-6 s (each its own time, as real clients would), unless its server dies first.
          const t = await c({ scenario: 'crash.tunnel', backend: 'be_chat', path: '/chat', localAddress: ip, messages: ['hi'], holdMs: 4000 + i * 37, maxMs: 15_000, onResponse: opened, expected: exp(101, '----', 'ok') });
          // Only the clients whose tunnel was cut (they never got to send their close frame) reconnect.
          if (t.observed.events.some((e) => e.what === 'send close frame')) return;
          // Once the process is gone: a connection that reached its dying listener would be reset after HAProxy
          // connected (502 SH), which real crashes do too, but which the truth here could not say in advance.
          await killed;
          for (let k = 0; k < CRASH_RECONNECTS; k++) {
            await c({ scenario: 'crash.reconnect', backend: 'be_chat', path: '/chat', localAddress: ip, messages: ['again'], expected: exp(101, '----', 'ok') });
          }
        })());
      }
      await Promise.all(ready);
      // The tunnels have lived a while (not a batch of short sessions) when c1 dies.
      await lab.sleep(2000);
      await lab.killServer('c1', 'sigkill');
      dead();
      const down = await lab.haproxy.waitForLine(/be_chat\/c1 is DOWN/, 5000);
      lab.note(down ? `be_chat/c1 DOWN seen at ${down.t} ms` : 'be_chat/c1 DOWN NOT seen');
      await Promise.all(clients);
    },
    maxMs: 30_000,
  };
}

// =====================================================================================
// ws-source: `balance source` over three health-checked servers, 24 clients with their
// own addresses. s2 is killed and marked DOWN: the map is rebuilt and clients really
// rehash (not only those of s2, since the hash is map-based); s2 comes back and they
// move again.
// =====================================================================================

export const SOURCE_CLIENTS = 24;

export function wsSourceScenario(): ScenarioConfig {
  return {
    name: 'ws-source',
    frontends: ['http'],
    servers: { s1: { behaviour: 'echo' }, s2: { behaviour: 'echo' }, s3: { behaviour: 'echo' } },
    // Time stamps on the event lines (iso), to place each move against the DOWN and UP.
    cfg: ({ fe, srv }: CfgContext) => `${globalSection({ format: 'iso' })}
defaults
    mode http
    log global
    option httplog
    timeout connect 300ms
    timeout client 5s
    timeout server 5s
    timeout tunnel 10s
    timeout check 1s
    retries 1
    option redispatch

frontend fe_src
    bind 127.0.0.1:${fe.http}
${CAPTURES.join('\n')}
    default_backend be_src

backend be_src
    balance source
    option httpchk GET /health
    server s1 127.0.0.1:${srv.s1} check inter 300 fall 2 rise 2
    server s2 127.0.0.1:${srv.s2} check inter 300 fall 2 rise 2
    server s3 127.0.0.1:${srv.s3} check inter 300 fall 2 rise 2
`,
    drive: async (lab: LabContext) => {
      // Clients come back one after the other (80 ms apart), as a fleet does on its own: not a reconnect wave.
      const round = (label: string): Promise<Truth[]> =>
        Promise.all(Array.from({ length: SOURCE_CLIENTS }, (_, i) =>
          lab.sleep(i * 80).then(() =>
            lab.client({ scenario: `source.${label}`, backend: 'be_src', path: '/src', localAddress: loopback(2, i), messages: ['m'], expected: exp(101, '----', 'ok') }))));
      await round('before');
      await lab.killServer('s2', 'rst');
      lab.note((await lab.haproxy.waitForLine(/be_src\/s2 is DOWN/, 5000)) ? 'be_src/s2 DOWN' : 'be_src/s2 DOWN NOT seen');
      await round('s2-down');
      await lab.restartServer('s2');
      lab.note((await lab.haproxy.waitForLine(/be_src\/s2 is UP/, 5000)) ? 'be_src/s2 UP' : 'be_src/s2 UP NOT seen');
      await round('s2-up');
    },
    maxMs: 20_000,
  };
}

// =====================================================================================
// ws-custom-notsc: a custom log-format without %tsc/%ts (common): no termination state.
// =====================================================================================

export const NOTSC_LOG_FORMAT = '%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %{+Q}r';

/**
 * What the log can tell without a termination state: an idle tunnel ending at its timeout is named by its
 * duration; a tunnel that ended any other way is `unknown`; so are a 502 or a 503 with a server assigned (the
 * flags alone tell a hangup from garbage, a refusal from a connect timeout).
 */
const NOTSC_CAUSES: Record<string, Expected['cause']> = {
  'ws.echo': 'unknown',
  'ws.client-abort': 'unknown',
  'ws.garbage': 'unknown',
  'ws.dead': 'unknown',
};

export function wsCustomNoTscScenario(): ScenarioConfig {
  return {
    name: 'ws-custom-notsc',
    frontends: ['http'],
    servers: MIX_SERVERS,
    cfg: (ctx) => mixCfg(ctx, { frontendLines: [`log-format "${NOTSC_LOG_FORMAT}"`] }),
    // The log has no termination state: '' in the truth.
    drive: (lab) =>
      driveMix(lab, {
        idle: true,
        override: Object.fromEntries(['http.ok', 'ws.idle.tunnel-timeout', ...Object.keys(NOTSC_CAUSES)].map((k) => [k, { termination: '', ...(NOTSC_CAUSES[k] ? { cause: NOTSC_CAUSES[k] } : {}) }])),
      }),
    maxMs: 15_000,
  };
}

// =====================================================================================
// ws-nocapture: stock `option httplog` without any capture, so no line shows an Upgrade
// header. A server that answers 426, upgrades that time out (504 sH) and an upgrade
// refused with 403 on a backend and path where other upgrades succeed; a plain 504 on a
// path that never upgrades.
// =====================================================================================

export function wsNoCaptureScenario(): ScenarioConfig {
  return {
    name: 'ws-nocapture',
    frontends: ['http'],
    servers: { ws: { behaviour: 'echo' }, slow: { behaviour: 'slow:3000' }, s426: { behaviour: 'status:426' }, s403: { behaviour: 'status:403' } },
    cfg: ({ fe, srv }: CfgContext) => `${globalSection()}
defaults
    mode http
    log global
    option httplog
    timeout connect 1s
    timeout client 5s
    timeout server 1s
    timeout tunnel 10s

frontend fe_plain
    bind 127.0.0.1:${fe.http}
    use_backend be_426 if { path_beg /legacy }
    use_backend be_api if { path_beg /api }
    default_backend be_chat

# balance first: m1 takes every request that no use-server rule sends elsewhere
backend be_chat
    balance first
    use-server m2 if { url_param(slow) -m found }
    use-server m3 if { url_param(auth) -m found }
    server m1 127.0.0.1:${srv.ws}
    server m2 127.0.0.1:${srv.slow}
    server m3 127.0.0.1:${srv.s403}

backend be_426
    server l1 127.0.0.1:${srv.s426}

backend be_api
    server a1 127.0.0.1:${srv.slow}
`,
    drive: async (lab: LabContext) => {
      const c = lab.client;
      await Promise.all([
        ...Array.from({ length: 3 }, () => c({ scenario: 'ws.echo', backend: 'be_chat', path: '/chat/room', messages: ['hi'], expected: exp(101, '----', 'ok') })),
        c({ scenario: 'ws.slow', backend: 'be_chat', path: '/chat/room?slow=1', maxMs: 4000, expected: exp(504, 'sH--', 'timeout.upgrade') }),
        c({ scenario: 'ws.forbidden', backend: 'be_chat', path: '/chat/room?auth=0', expected: exp(403, '----', 'upgrade.rejected') }),
        c({ scenario: 'ws.426', backend: 'be_426', path: '/legacy/socket', expected: exp(426, '----', 'upgrade.rejected') }),
        c({ scenario: 'http.slow', backend: 'be_api', kind: 'http', path: '/api/report', maxMs: 4000, expected: exp(504, 'sH--', 'timeout.server') }),
      ]);
    },
    maxMs: 15_000,
  };
}

// =====================================================================================
// ws-tz: HAProxy run under TZ=Australia/Sydney (daylight saving time, +11:00, from
// October to April): httplog's accept date is local time without an offset; clf writes
// its date with the offset.
// =====================================================================================

export const TZ_ZONE = 'Australia/Sydney';

export function wsTzScenario(): ScenarioConfig {
  return {
    name: 'ws-tz',
    frontends: ['http', 'clf'],
    servers: MIX_SERVERS,
    env: { TZ: TZ_ZONE },
    cfg: (ctx) =>
      `${mixCfg(ctx, { frontendLines: ['option httplog', ...CAPTURES.map((l) => l.trim())] })}
frontend fe_clf
    bind 127.0.0.1:${ctx.fe.clf}
    option httplog clf
    default_backend be_ws
`,
    drive: async (lab: LabContext) => {
      await Promise.all([
        driveMix(lab),
        lab.client({ fe: 'clf', scenario: 'ws.echo.clf', backend: 'be_ws', path: '/ws/chat', messages: ['x'], expected: exp(101, '----', 'ok') }),
        lab.client({ fe: 'clf', scenario: 'ws.client-abort.clf', backend: 'be_ws', path: '/ws/abort', holdMs: 200, end: 'rst', expected: exp(101, 'CD--', 'client.abort') }),
      ]);
    },
    maxMs: 15_000,
  };
}

// =====================================================================================
// ws-ipv6: clients on a [::1] bind (HAProxy logs `::1:PORT`).
// =====================================================================================

export function wsIpv6Scenario(): ScenarioConfig {
  return {
    name: 'ws-ipv6',
    frontends: ['http'],
    servers: MIX_SERVERS,
    cfg: (ctx) =>
      mixCfg(ctx, { frontendLines: ['option httplog', ...CAPTURES.map((l) => l.trim())] }).replace(`bind 127.0.0.1:${ctx.fe.http}`, `bind [::1]:${ctx.fe.http}`),
    drive: (lab) => driveMix({ ...lab, client: (o) => lab.client({ ...o, host: '::1' }) }, { idle: true }),
    maxMs: 15_000,
  };
}

// =====================================================================================
// ws-noconn: upgrades without `Connection: upgrade`. A strict server answers 400; a
// lenient one answers 101 anyway, which HAProxy refuses (502 PH). Each backend sees only
// that request, so no other line of the backend shows a Connection header.
// =====================================================================================

export function wsNoConnectionScenario(): ScenarioConfig {
  return {
    name: 'ws-noconn',
    frontends: ['http'],
    servers: { strict: { behaviour: 'echo', upgradeWithoutConnection: 'reject' }, lenient: { behaviour: 'echo', upgradeWithoutConnection: 'accept' } },
    cfg: ({ fe, srv }: CfgContext) => `${globalSection()}
defaults
    mode http
    log global
    option httplog
    timeout connect 1s
    timeout client 5s
    timeout server 5s
    timeout tunnel 10s

frontend fe_ws
    bind 127.0.0.1:${fe.http}
${CAPTURES.join('\n')}
    use_backend be_lenient if { path_beg /lenient }
    default_backend be_strict

backend be_strict
    server st1 127.0.0.1:${srv.strict}

backend be_lenient
    server ln1 127.0.0.1:${srv.lenient}
`,
    drive: async (lab: LabContext) => {
      await Promise.all([
        lab.client({ scenario: 'ws.ok', backend: 'be_strict', path: '/chat', messages: ['hi'], expected: exp(101, '----', 'ok') }),
        lab.client({ scenario: 'ws.no-connection-upgrade', backend: 'be_strict', path: '/chat', omitConnectionUpgrade: true, expected: exp(400, '----', 'upgrade.rejected') }),
        lab.client({ scenario: 'ws.no-connection-upgrade.lenient', backend: 'be_lenient', path: '/lenient', omitConnectionUpgrade: true, end: 'wait', maxMs: 3000, expected: exp(502, 'PH--', 'server.bad-response') }),
      ]);
    },
    maxMs: 15_000,
  };
}

// =====================================================================================
// ws-h2: WebSocket over HTTP/2 (RFC 8441) through a TLS bind with `alpn h2,http/1.1`,
// and the same over HTTP/1.1 on that bind.
// =====================================================================================

export function wsH2Scenario(): ScenarioConfig {
  return {
    name: 'ws-h2',
    frontends: ['https'],
    servers: { ws: { behaviour: 'echo' } },
    tls: true,
    cfg: ({ fe, srv, certPath }: CfgContext) => `${globalSection()}
defaults
    mode http
    log global
    option httplog
    timeout connect 1s
    timeout client 5s
    timeout server 5s
    timeout tunnel 10s

frontend fe_h2
    bind 127.0.0.1:${fe.https} ssl crt ${certPath} alpn h2,http/1.1
${CAPTURES.join('\n')}
    default_backend be_ws

backend be_ws
    server ws1 127.0.0.1:${srv.ws}
`,
    drive: async (lab: LabContext) => {
      await Promise.all([
        lab.h2Client({ scenario: 'ws.h2', backend: 'be_ws', path: '/ws/chat', messages: ['hello'], expected: exp(101, '----', 'ok') }),
        lab.h2Client({ scenario: 'ws.h2', backend: 'be_ws', path: '/ws/chat', messages: ['hello', 'again'], holdMs: 100, expected: exp(101, '----', 'ok') }),
        lab.client({ tls: true, scenario: 'ws.h1', backend: 'be_ws', path: '/ws/chat', messages: ['hi'], expected: exp(101, '----', 'ok') }),
      ]);
    },
    maxMs: 15_000,
  };
}

// =====================================================================================
// ws-sticky-burst: twelve short sticky sessions on one server end within a second (a
// client page opening and closing its sockets), and that server goes DOWN seconds later
// for another reason. Not a mass disconnect: the sessions were short, they ended cleanly,
// and the DOWN came after they were gone.
// =====================================================================================

export function wsStickyBurstScenario(): ScenarioConfig {
  return {
    name: 'ws-sticky-burst',
    frontends: ['http'],
    servers: { k1: { behaviour: 'echo' }, k2: { behaviour: 'echo' } },
    cfg: ({ fe, srv }: CfgContext) => `${globalSection({ format: 'iso' })}
defaults
    mode http
    log global
    option httplog
    timeout connect 300ms
    timeout client 5s
    timeout server 5s
    timeout tunnel 10s
    timeout check 1s
    option redispatch

frontend fe_sticky
    bind 127.0.0.1:${fe.http}
${CAPTURES.join('\n')}
    default_backend be_sticky

backend be_sticky
    cookie SRV insert indirect nocache
    option httpchk GET /health
    server k1 127.0.0.1:${srv.k1} cookie k1 check inter 300 fall 2 rise 2
    server k2 127.0.0.1:${srv.k2} cookie k2 check inter 300 fall 2 rise 2
`,
    drive: async (lab: LabContext) => {
      await Promise.all(Array.from({ length: 12 }, (_, i) =>
        lab.client({ scenario: 'sticky.short', backend: 'be_sticky', path: '/sticky', cookie: 'SRV=k1', localAddress: loopback(3, i), messages: ['m'], holdMs: 100, expected: exp(101, '--VN', 'ok') })));
      await lab.sleep(1500);
      await lab.killServer('k1', 'rst');
      lab.note((await lab.haproxy.waitForLine(/be_sticky\/k1 is DOWN/, 5000)) ? 'be_sticky/k1 DOWN' : 'be_sticky/k1 DOWN NOT seen');
    },
    maxMs: 15_000,
  };
}

export const INCIDENT_SCENARIOS: Record<string, () => ScenarioConfig> = {
  'ws-sticky-burst': wsStickyBurstScenario,
  'ws-queue': wsQueueScenario,
  'ws-crash': wsCrashScenario,
  'ws-source': wsSourceScenario,
  'ws-custom-notsc': wsCustomNoTscScenario,
  'ws-nocapture': wsNoCaptureScenario,
  'ws-tz': wsTzScenario,
  'ws-ipv6': wsIpv6Scenario,
  'ws-noconn': wsNoConnectionScenario,
  'ws-h2': wsH2Scenario,
};
