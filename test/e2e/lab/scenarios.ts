/**
 * The lab's scenarios: each is ONE real HAProxy run (see haproxy-lab.ts
 * runScenario). Expected termination states below are the ones HAProxy 2.6.12
 * actually logged when these were written (see NOTES.md), not guesses.
 *
 * All configs bind 127.0.0.1 only, use ephemeral ports and short timeouts.
 */
import type { CfgContext, LabContext, ScenarioConfig } from './haproxy-lab.js';
import net from 'node:net';
import { hardReset, type Cause, type Expected, type Truth } from './ws-client.js';

export const exp = (status: number | null, termination: string, cause: Cause): Expected => ({
  status,
  termination,
  cause,
});

export type LogTarget = 'raw' | 'rfc5424' | 'rfc3164' | 'iso' | 'timed' | 'short' | 'priority' | 'local';

export function globalSection(opts: { format?: LogTarget; len?: number; extra?: string[] } = {}): string {
  const fmt = opts.format ?? 'raw';
  return [
    'global',
    `    log stdout${opts.len ? ` len ${opts.len}` : ''} format ${fmt} local0`,
    '    nbthread 1',
    '    hard-stop-after 3s',
    ...(opts.extra ?? []).map((l) => `    ${l}`),
    '',
  ].join('\n');
}

const UPGRADE_CAPTURES = ['    capture request header Upgrade len 32', '    capture request header Connection len 32'];

// =====================================================================================
// ws-httplog: the big one
// =====================================================================================

export function wsHttplogCfg({ fe, srv }: CfgContext): string {
  return `${globalSection()}
defaults
    mode http
    log global
    option httplog
    timeout connect 1s
    timeout client 1500ms
    timeout server 5s
    timeout http-request 1s
    timeout queue 1s
    retries 2

frontend fe_ws
    bind 127.0.0.1:${fe.http}
${UPGRADE_CAPTURES.join('\n')}
    http-request track-sc0 src table st_rl if { path_beg /rl }
    http-request deny deny_status 429 if { path_beg /rl } { sc_http_req_rate(0) gt 5 }
    use_backend be_ws if { path_beg /ws } || { path_beg /rl }
    use_backend be_notunnel if { path_beg /notunnel }
    use_backend be_close if { path_beg /close }
    use_backend be_garbage if { path_beg /garbage }
    use_backend be_hangup if { path_beg /hangup }
    use_backend be_slow if { path_beg /slow }
    use_backend be_dead if { path_beg /dead }
    use_backend be_hc if { path_beg /hc }
    use_backend be_cookie if { path_beg /cookie }
    use_backend be_src if { path_beg /src }
    use_backend be_lenient if { path_beg /lenient }
    use_backend be_slow_aoc if { path_beg /aoc }
    use_backend be_late if { path_beg /late }
    use_backend be_blackhole if { path_beg /blackhole }
    default_backend be_web

# a "server" whose accept queue is full: SYNs are dropped -> timeout connect
frontend fe_blackhole
    mode tcp
    option tcplog
    bind 127.0.0.1:${fe.blackhole} backlog 1
    maxconn 1
    timeout client 30s
    no log
    default_backend be_bh_sink

backend be_bh_sink
    mode tcp
    timeout server 30s
    server sink1 127.0.0.1:${srv.web}

backend be_blackhole
    server bh1 127.0.0.1:${fe.blackhole}

backend be_late
    timeout tunnel 2s
    server lt1 127.0.0.1:${srv.late}

backend be_slow_aoc
    option abortonclose
    timeout server 1s
    server sa1 127.0.0.1:${srv.slow}

backend st_rl
    stick-table type ip size 1k expire 30s store http_req_rate(10s)

backend be_web
    server web1 127.0.0.1:${srv.web}

backend be_ws
    timeout tunnel 2s
    server ws1 127.0.0.1:${srv.ws}

backend be_notunnel
    server nt1 127.0.0.1:${srv.notunnel}

backend be_close
    timeout tunnel 5s
    server cl1 127.0.0.1:${srv.close}

backend be_garbage
    server gb1 127.0.0.1:${srv.garbage}

backend be_hangup
    server hu1 127.0.0.1:${srv.hangup}

backend be_slow
    timeout server 1s
    server sl1 127.0.0.1:${srv.slow}

backend be_dead
    server dd1 127.0.0.1:${srv.dead}

backend be_hc
    option httpchk
    http-check send meth GET uri /ws ver HTTP/1.1 hdr Host localhost hdr Upgrade websocket hdr Connection Upgrade hdr Sec-WebSocket-Key dGhlIHNhbXBsZSBub25jZQ== hdr Sec-WebSocket-Version 13
    http-check expect status 200
    timeout check 1s
    server hc1 127.0.0.1:${srv.hc} check inter 300 fall 2 rise 2

backend be_cookie
    balance roundrobin
    cookie SRV insert indirect nocache
    option redispatch
    option httpchk GET /health
    timeout check 1s
    timeout tunnel 5s
    server ck1 127.0.0.1:${srv.ck1} cookie s1 check inter 300 fall 2 rise 2
    server ck2 127.0.0.1:${srv.ck2} cookie s2 check inter 300 fall 2 rise 2

backend be_src
    balance source
    hash-type consistent
    option redispatch
    timeout tunnel 5s
    server sr1 127.0.0.1:${srv.src1}
    server sr2 127.0.0.1:${srv.src2}

backend be_lenient
    timeout tunnel 2s
    server ln1 127.0.0.1:${srv.lenient}
`;
}

async function driveHttplog(lab: LabContext): Promise<void> {
  const c = lab.client;
  // fe_blackhole (maxconn 1, backlog 1): 1 connection accepted by HAProxy, 2 more fill the
  // kernel accept queue; from then on every SYN to that port is dropped -> timeout connect
  const holders = holdConnections(lab.fe.blackhole!, 3, 10_000);
  const blackhole = holders.ready.then(() => lab.sleep(50));
  const basic = async (): Promise<void> => {
    await Promise.all([
      // normal HTTP
      c({ scenario: 'http.ok', backend: 'be_web', kind: 'http', path: '/', expected: exp(200, '----', 'ok') }),
      c({ scenario: 'http.ok', backend: 'be_web', kind: 'http', path: '/index.html', expected: exp(200, '----', 'ok') }),
      // websocket echo, closed cleanly by the client (close frame)
      c({ scenario: 'ws.echo', backend: 'be_ws', path: '/ws/chat', messages: ['hello', 'world'], expected: exp(101, '----', 'ok') }),
      c({ scenario: 'ws.echo', backend: 'be_ws', path: '/ws/chat', messages: ['x'.repeat(300)], holdMs: 200, expected: exp(101, '----', 'ok') }),
      // idle tunnels cut by timeout tunnel 2s
      c({ scenario: 'ws.idle.tunnel-timeout', backend: 'be_ws', path: '/ws/idle', end: 'wait', maxMs: 5000, expected: exp(101, 'cD--', 'timeout.tunnel') }),
      c({ scenario: 'ws.idle.tunnel-timeout', backend: 'be_ws', path: '/ws/idle', messages: ['ping'], end: 'wait', maxMs: 5000, expected: exp(101, 'cD--', 'timeout.tunnel') }),
      // no timeout tunnel: the idle tunnel is cut by timeout client 1500ms
      c({ scenario: 'ws.idle.client-timeout', backend: 'be_notunnel', path: '/notunnel', end: 'wait', maxMs: 5000, expected: exp(101, 'cD--', 'timeout.client') }),
      // server closes every tunnel after 1000 ms
      c({ scenario: 'ws.server-close', backend: 'be_close', path: '/close', end: 'wait', maxMs: 5000, expected: exp(101, '----', 'ok') }),
      // client aborts (RST) mid-tunnel
      c({ scenario: 'ws.client-abort', backend: 'be_ws', path: '/ws/abort', messages: ['bye'], holdMs: 300, end: 'rst', expected: exp(101, 'CD--', 'client.abort') }),
      // client closes with FIN, no close frame
      c({ scenario: 'ws.client-fin', backend: 'be_ws', path: '/ws/fin', holdMs: 300, end: 'fin', expected: exp(101, '----', 'ok') }),
      // bad servers
      c({ scenario: 'ws.garbage', backend: 'be_garbage', path: '/garbage', expected: exp(502, 'PH--', 'server.bad-response') }),
      c({ scenario: 'ws.hangup', backend: 'be_hangup', path: '/hangup', expected: exp(502, 'SH--', 'server.hangup') }),
      c({ scenario: 'ws.slow', backend: 'be_slow', path: '/slow', maxMs: 4000, expected: exp(504, 'sH--', 'timeout.upgrade') }),
      // client gives up after 400 ms; without abortonclose HAProxy does not notice and logs the server timeout
      c({ scenario: 'ws.slow.client-abort', backend: 'be_slow', path: '/slow/abort', abortAfterMs: 400, expected: exp(504, 'sH--', 'timeout.upgrade') }),
      // same with option abortonclose
      c({ scenario: 'ws.slow.client-abort.abortonclose', backend: 'be_slow_aoc', path: '/aoc', abortAfterMs: 400, expected: exp(504, 'sH--', 'timeout.upgrade') }),
      // client gives up at 300 ms, the server still answers 101 at 800 ms -> "101 ... CD--" with Tr ~ Ta
      c({ scenario: 'ws.client-gone-before-101', backend: 'be_late', path: '/late', abortAfterMs: 300, expected: exp(101, 'CD--', 'client.abort') }),
      // server that never completes the TCP handshake (accept queue full) -> timeout connect
      blackhole.then(() => c({ scenario: 'ws.connect-timeout', backend: 'be_blackhole', path: '/blackhole', maxMs: 6000, expected: exp(503, 'sC--', 'timeout.connect') })),
      c({ scenario: 'ws.dead', backend: 'be_dead', path: '/dead', expected: exp(503, 'SC--', 'server.refused') }),
      // upgrade without "Connection: Upgrade": strict server answers 400, lenient one 101
      c({ scenario: 'ws.no-connection-upgrade', backend: 'be_ws', path: '/ws/noconn', omitConnectionUpgrade: true, expected: exp(400, '----', 'upgrade.rejected') }),
      c({ scenario: 'ws.no-connection-upgrade.lenient', backend: 'be_lenient', path: '/lenient', omitConnectionUpgrade: true, end: 'wait', maxMs: 4000, expected: exp(502, 'PH--', 'server.bad-response') }),
      // client that stalls in the middle of its request head -> timeout http-request
      c({ scenario: 'ws.partial-request', backend: 'fe_ws', path: '/ws/partial', partialRequest: true, end: 'wait', maxMs: 3000, expected: exp(408, 'cR--', 'timeout.http-request') }),
    ]);
  };

  const rateLimit = async (): Promise<void> => {
    for (let i = 0; i < 8; i++) {
      const denied = i >= 5;
      await c({
        scenario: denied ? 'ws.rate-limited' : 'ws.rate-limit.allowed',
        backend: denied ? 'fe_ws' : 'be_ws',
        path: `/rl/${i}`,
        messages: denied ? [] : ['m'],
        expected: denied ? exp(429, 'PR--', 'proxy.deny') : exp(101, '----', 'ok'),
      });
    }
  };

  const healthCheck = async (): Promise<void> => {
    const down = await lab.haproxy.waitForLine(/be_hc\/hc1 is DOWN/, 4000);
    lab.note(down ? `be_hc/hc1 DOWN seen at ${down.t} ms` : 'be_hc/hc1 DOWN NOT seen');
    await Promise.all([
      c({ scenario: 'ws.no-server', backend: 'be_hc', path: '/hc', expected: exp(503, 'SC--', 'no-server') }),
      c({ scenario: 'http.no-server', backend: 'be_hc', path: '/hc/plain', kind: 'http', expected: exp(503, 'SC--', 'no-server') }),
    ]);
  };

  const cookie = async (): Promise<void> => {
    // two new clients: round robin gives one cookie per server
    const a = await c({ scenario: 'cookie.new', backend: 'be_cookie', path: '/cookie', messages: ['a'], expected: exp(101, '--NI', 'ok') });
    const b = await c({ scenario: 'cookie.new', backend: 'be_cookie', path: '/cookie', messages: ['b'], expected: exp(101, '--NI', 'ok') });
    const s1 = [a, b].find((t) => t.observed.setCookie === 'SRV=s1')?.observed.setCookie ?? 'SRV=s1';
    const s2 = [a, b].find((t) => t.observed.setCookie === 'SRV=s2')?.observed.setCookie ?? 'SRV=s2';
    lab.note(`cookies handed out: ${a.observed.setCookie} / ${b.observed.setCookie}`);
    // returning clients that keep their cookie
    await c({ scenario: 'cookie.keep', backend: 'be_cookie', path: '/cookie', cookie: s1, messages: ['c'], expected: exp(101, '--VN', 'ok') });
    await c({ scenario: 'cookie.keep', backend: 'be_cookie', path: '/cookie', cookie: s2, messages: ['d'], expected: exp(101, '--VN', 'ok') });
    // a client that dropped its cookie gets a fresh one
    await c({ scenario: 'cookie.drop', backend: 'be_cookie', path: '/cookie', messages: ['e'], expected: exp(101, '--NI', 'ok') });
    // a long tunnel on s1 that will be killed under it
    const open = responded();
    const longOnS1 = c({ scenario: 'cookie.killed-mid-tunnel', backend: 'be_cookie', path: '/cookie/long', cookie: s1, end: 'wait', maxMs: 15_000, onResponse: open.onResponse, expected: exp(101, 'SDVN', 'server.abort') });
    // Killed once its tunnel is open (the client has its 101), however long that takes.
    await open.seen;
    await lab.killServer('ck1', 'rst');
    // immediately: ck1 not yet marked DOWN -> connect refused, retries, redispatch to ck2
    await c({ scenario: 'cookie.redispatch', backend: 'be_cookie', path: '/cookie', cookie: s1, messages: ['f'], expected: exp(101, '--DI', 'ok') });
    const down = await lab.haproxy.waitForLine(/be_cookie\/ck1 is DOWN/, 3000);
    lab.note(down ? `be_cookie/ck1 DOWN seen at ${down.t} ms` : 'be_cookie/ck1 DOWN NOT seen');
    // after DOWN: cookie designates a DOWN server -> redispatched, new cookie inserted
    await c({ scenario: 'cookie.down', backend: 'be_cookie', path: '/cookie', cookie: s1, messages: ['g'], expected: exp(101, '--DI', 'ok') });
    await c({ scenario: 'cookie.keep', backend: 'be_cookie', path: '/cookie', cookie: s2, messages: ['h'], expected: exp(101, '--VN', 'ok') });
    await longOnS1;
  };

  const source = async (): Promise<void> => {
    const first = await c({ scenario: 'src.ok', backend: 'be_src', path: '/src', messages: ['a'], expected: exp(101, '----', 'ok') });
    void first;
    const victim = (lab.servers.src1?.stats.upgrades ?? 0) > 0 ? 'src1' : 'src2';
    lab.note(`balance source sends 127.0.0.1 to ${victim}`);
    const opened = [responded(), responded()];
    const longs = opened.map(({ onResponse }) =>
      c({ scenario: 'src.killed-mid-tunnel', backend: 'be_src', path: '/src/long', end: 'wait', maxMs: 15_000, onResponse, expected: exp(101, 'SD--', 'server.abort') }),
    );
    await Promise.all(opened.map(({ seen }) => seen));
    await lab.killServer(victim, 'rst');
    // no health check on be_src: every new client retries the dead server, then is redispatched
    await c({ scenario: 'src.redispatch', backend: 'be_src', path: '/src', messages: ['b'], expected: exp(101, '----', 'ok') });
    await c({ scenario: 'src.redispatch', backend: 'be_src', path: '/src', kind: 'http', expected: exp(200, '----', 'ok') });
    await Promise.all(longs);
  };

  await Promise.all([basic(), rateLimit(), healthCheck(), cookie(), source()]);
  holders.release();
}

/**
 * Open n raw TCP connections that send nothing, one after the other (gapMs apart,
 * so that the first one is accept()ed before the next ones fill the kernel queue).
 * release() resets them all; they are released anyway after maxMs.
 */
export function holdConnections(port: number, n: number, maxMs: number, gapMs = 60): { ready: Promise<void>; release(): void } {
  const socks: net.Socket[] = [];
  let released = false;
  const release = (): void => {
    released = true;
    for (const s of socks) hardReset(s);
  };
  const t = setTimeout(release, maxMs);
  const ready = (async () => {
    for (let i = 0; i < n && !released; i++) {
      const s = net.connect({ host: '127.0.0.1', port });
      s.on('error', () => undefined);
      socks.push(s);
      await new Promise((r) => setTimeout(r, gapMs));
    }
  })();
  return {
    ready,
    release: () => {
      clearTimeout(t);
      release();
    },
  };
}

export function wsHttplogScenario(): ScenarioConfig {
  return {
    name: 'ws-httplog',
    frontends: ['http', 'blackhole'],
    servers: {
      web: { behaviour: 'echo' },
      ws: { behaviour: 'echo', upgradeWithoutConnection: 'reject' },
      notunnel: { behaviour: 'echo' },
      close: { behaviour: 'close-after:1000' },
      garbage: { behaviour: 'garbage' },
      hangup: { behaviour: 'hangup' },
      slow: { behaviour: 'slow:3000' },
      dead: { behaviour: 'dead' },
      hc: { behaviour: 'echo' },
      ck1: { behaviour: 'echo' },
      ck2: { behaviour: 'echo' },
      src1: { behaviour: 'echo' },
      src2: { behaviour: 'echo' },
      lenient: { behaviour: 'echo', upgradeWithoutConnection: 'accept' },
      late: { behaviour: 'slow:800' },
    },
    cfg: wsHttplogCfg,
    drive: driveHttplog,
    maxMs: 20_000,
    expectLines: [
      /^Server be_hc\/hc1 is DOWN, reason: Layer7 wrong status, code: 101, info: "Switching Protocols"/,
      /^backend be_hc has no server available!$/,
      /^Server be_cookie\/ck1 is DOWN, reason: Layer4 connection problem, info: "Connection refused"/,
      /^Proxy fe_ws stopped/,
    ],
  };
}

// =====================================================================================
// ws-tcplog: mode tcp, option tcplog, one frontend per backend behaviour
// =====================================================================================

export function wsTcplogCfg({ fe, srv }: CfgContext): string {
  return `${globalSection()}
defaults
    mode tcp
    log global
    option tcplog
    timeout connect 1s
    timeout client 1500ms
    timeout server 3s
    retries 1

frontend ft_echo
    bind 127.0.0.1:${fe.echo}
    default_backend bk_echo

frontend ft_close
    bind 127.0.0.1:${fe.close}
    default_backend bk_close

frontend ft_dead
    bind 127.0.0.1:${fe.dead}
    default_backend bk_dead

frontend ft_hangup
    bind 127.0.0.1:${fe.hangup}
    default_backend bk_hangup

frontend ft_srvto
    bind 127.0.0.1:${fe.srvto}
    timeout client 5s
    default_backend bk_srvto

frontend ft_tunnel
    bind 127.0.0.1:${fe.tunnel}
    timeout client 1s
    default_backend bk_tunnel

frontend ft_nosrv
    bind 127.0.0.1:${fe.nosrv}
    default_backend bk_nosrv

backend bk_echo
    server e1 127.0.0.1:${srv.echo}

backend bk_close
    server c1 127.0.0.1:${srv.close}

backend bk_dead
    server d1 127.0.0.1:${srv.dead}

backend bk_hangup
    server h1 127.0.0.1:${srv.hangup}

backend bk_srvto
    timeout server 1s
    server t1 127.0.0.1:${srv.echo}

backend bk_tunnel
    timeout tunnel 2s
    server u1 127.0.0.1:${srv.echo}

backend bk_nosrv
    server n1 127.0.0.1:${srv.dead} check inter 200 fall 1 rise 1
`;
}

async function driveTcplog(lab: LabContext): Promise<void> {
  const c = lab.client;
  const down = lab.haproxy.waitForLine(/bk_nosrv\/n1 is DOWN/, 3000);
  await Promise.all([
    c({ fe: 'echo', scenario: 'tcp.ws.echo', backend: 'bk_echo', path: '/ws', messages: ['hello', 'world'], expected: exp(null, '--', 'ok') }),
    c({ fe: 'echo', scenario: 'tcp.http.ok', backend: 'bk_echo', kind: 'http', path: '/', expected: exp(null, '--', 'ok') }),
    c({ fe: 'echo', scenario: 'tcp.ws.idle.client-timeout', backend: 'bk_echo', path: '/ws/idle', end: 'wait', maxMs: 5000, expected: exp(null, 'cD', 'timeout.client') }),
    c({ fe: 'echo', scenario: 'tcp.ws.client-abort', backend: 'bk_echo', path: '/ws/abort', messages: ['x'], holdMs: 300, end: 'rst', expected: exp(null, 'CD', 'client.abort') }),
    c({ fe: 'echo', scenario: 'tcp.ws.client-fin', backend: 'bk_echo', path: '/ws/fin', holdMs: 200, end: 'fin', expected: exp(null, '--', 'ok') }),
    c({ fe: 'close', scenario: 'tcp.ws.server-close', backend: 'bk_close', path: '/ws', end: 'wait', maxMs: 5000, expected: exp(null, '--', 'ok') }),
    c({ fe: 'dead', scenario: 'tcp.ws.dead', backend: 'bk_dead', path: '/ws', maxMs: 5000, expected: exp(null, 'SC', 'server.refused') }),
    // the server reads the request and closes: in TCP mode that is a normal close ("--", 0 bytes)
    c({ fe: 'hangup', scenario: 'tcp.ws.hangup', backend: 'bk_hangup', path: '/ws', maxMs: 5000, expected: exp(null, '--', 'server.hangup') }),
    c({ fe: 'srvto', scenario: 'tcp.ws.idle.server-timeout', backend: 'bk_srvto', path: '/ws/idle', end: 'wait', maxMs: 5000, expected: exp(null, 'sD', 'timeout.server') }),
    c({ fe: 'tunnel', scenario: 'tcp.ws.idle.tunnel-timeout', backend: 'bk_tunnel', path: '/ws/idle', end: 'wait', maxMs: 5000, expected: exp(null, 'cD', 'timeout.tunnel') }),
    down.then(() => c({ fe: 'nosrv', scenario: 'tcp.ws.no-server', backend: 'bk_nosrv', path: '/ws', maxMs: 5000, expected: exp(null, 'SC', 'no-server') })),
  ]);
}

export function wsTcplogScenario(): ScenarioConfig {
  return {
    name: 'ws-tcplog',
    frontends: ['echo', 'close', 'dead', 'hangup', 'srvto', 'tunnel', 'nosrv'],
    servers: {
      echo: { behaviour: 'echo' },
      close: { behaviour: 'close-after:1000' },
      dead: { behaviour: 'dead' },
      hangup: { behaviour: 'hangup' },
    },
    cfg: wsTcplogCfg,
    drive: driveTcplog,
    expectLines: [/^Server bk_nosrv\/n1 is DOWN/],
    maxMs: 20_000,
  };
}

// =====================================================================================
// A small traffic mix reused by clf / custom / httpslog / envelopes
// =====================================================================================

export interface MixOptions {
  /** Lines inserted in the frontend section (log options, captures, set-var...). */
  frontendLines: string[];
  globalOpts?: Parameters<typeof globalSection>[0];
  bindExtra?: string;
  /** Add the 2 s idle-tunnel case (makes the run ~1.5 s longer). */
  idle?: boolean;
}

export function mixCfg(ctx: CfgContext, o: MixOptions): string {
  const { fe, srv } = ctx;
  return `${globalSection(o.globalOpts)}
defaults
    mode http
    log global
    timeout connect 1s
    timeout client 1500ms
    timeout server 3s
    timeout http-request 1s
    retries 1

frontend fe_mix
    bind 127.0.0.1:${fe.http}${o.bindExtra ? ` ${o.bindExtra}` : ''}
${o.frontendLines.map((l) => `    ${l}`).join('\n')}
    use_backend be_ws if { path_beg /ws }
    use_backend be_garbage if { path_beg /garbage }
    use_backend be_dead if { path_beg /dead }
    default_backend be_web

backend be_web
    server web1 127.0.0.1:${srv.web}

backend be_ws
    timeout tunnel 1s
    server ws1 127.0.0.1:${srv.ws}

backend be_garbage
    server gb1 127.0.0.1:${srv.garbage}

backend be_dead
    server dd1 127.0.0.1:${srv.dead}
`;
}

export const MIX_SERVERS = {
  web: { behaviour: 'echo' },
  ws: { behaviour: 'echo' },
  garbage: { behaviour: 'garbage' },
  dead: { behaviour: 'dead' as const },
} satisfies ScenarioConfig['servers'];

export async function driveMix(
  lab: LabContext,
  o: { tls?: boolean; idle?: boolean; longUrl?: boolean; override?: Record<string, Partial<Expected>> } = {},
): Promise<void> {
  const c: LabContext['client'] = (opts) =>
    lab.client({
      ...opts,
      ...(opts.expected ? { expected: { ...opts.expected, ...(o.override?.[opts.scenario] ?? {}) } } : {}),
    });
  const tls = o.tls ?? false;
  await Promise.all([
    c({ tls, scenario: 'http.ok', backend: 'be_web', kind: 'http', path: '/index.html?user=42', expected: exp(200, '----', 'ok') }),
    c({ tls, scenario: 'ws.echo', backend: 'be_ws', path: '/ws/chat', messages: ['hello'], expected: exp(101, '----', 'ok') }),
    c({ tls, scenario: 'ws.client-abort', backend: 'be_ws', path: '/ws/abort', holdMs: 200, end: 'rst', expected: exp(101, 'CD--', 'client.abort') }),
    c({ tls, scenario: 'ws.garbage', backend: 'be_garbage', path: '/garbage', expected: exp(502, 'PH--', 'server.bad-response') }),
    c({ tls, scenario: 'ws.dead', backend: 'be_dead', path: '/dead', maxMs: 4000, expected: exp(503, 'SC--', 'server.refused') }),
    ...(o.idle
      ? [c({ tls, scenario: 'ws.idle.tunnel-timeout', backend: 'be_ws', path: '/ws/idle', end: 'wait', maxMs: 4000, expected: exp(101, 'cD--', 'timeout.tunnel') })]
      : []),
    ...(o.longUrl
      ? [c({ tls, scenario: 'http.long-url', backend: 'be_web', kind: 'http', path: `/search?q=${'a'.repeat(1500)}`, expected: exp(200, '----', 'ok') })]
      : []),
  ]);
}

export function wsClfScenario(): ScenarioConfig {
  return {
    name: 'ws-clf',
    frontends: ['http'],
    servers: MIX_SERVERS,
    cfg: (ctx) => mixCfg(ctx, { frontendLines: ['option httplog clf', ...UPGRADE_CAPTURES.map((l) => l.trim())] }),
    drive: (lab) => driveMix(lab, { idle: true }),
    maxMs: 15_000,
  };
}

export const CUSTOM_LOG_FORMAT =
  '%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %{+Q}r upg=%[var(txn.upg)] conn=%[var(txn.conn)]';

export function wsCustomScenario(): ScenarioConfig {
  return {
    name: 'ws-custom',
    frontends: ['http'],
    servers: MIX_SERVERS,
    cfg: (ctx) =>
      mixCfg(ctx, {
        frontendLines: [
          'http-request set-var(txn.upg) req.hdr(Upgrade)',
          'http-request set-var(txn.conn) req.hdr(Connection)',
          `log-format "${CUSTOM_LOG_FORMAT}"`,
        ],
      }),
    drive: async (lab) => {
      await driveMix(lab, { idle: true });
      await lab.client({ scenario: 'ws.no-connection-upgrade', backend: 'be_ws', path: '/ws/noconn', omitConnectionUpgrade: true, expected: exp(400, '----', 'upgrade.rejected') });
    },
    maxMs: 15_000,
  };
}

/**
 * ws-custom-timers: a log-format with nearly every timer, counter and address variable, and a
 * unique ID. %ts is the 2-character termination state (no cookie flags) even in HTTP mode.
 */
export const CUSTOM_TIMERS_LOG_FORMAT =
  '%ci:%cp [%t] %ft %b/%s %Th/%Ti/%TR/%Tw/%Tc/%Tr/%Ta/%Tt %ST %B %U %ts %ac/%fc/%bc/%sc/%rc %sq/%bq %ID %HM %HU %HV fe=%fi:%fp be=%bi:%bp srv=%si:%sp pid=%pid rt=%rt lc=%lc';
/** As written in the configuration (the `\ ` is config-file escaping; HAProxy drops the leading separator). */
export const CUSTOM_TIMERS_UNIQUE_ID_FORMAT = '%{+X}o\\ %ci:%cp_%fi:%fp_%Ts_%rt:%pid';

/**
 * ws-custom-quoted: `%{+Q}o` quotes every string field that follows (numbers stay bare), `%{-Q}r`
 * writes the request line unquoted (it contains spaces), sample fetches are quoted too.
 */
export const CUSTOM_QUOTED_LOG_FORMAT =
  '%{+Q}o %ci %cp [%tr] %ft %b %s %ST %Ta %tsc %{-Q}r upg=%[capture.req.hdr(0)] err=%[bc_err_str]';

/** The mix plus a hangup backend, an http-request deny (429) and a half-sent request (408). */
function customMixCfg(ctx: CfgContext, frontendLines: string[]): string {
  return `${mixCfg(ctx, {
    frontendLines: [
      ...frontendLines,
      'http-request deny deny_status 429 if { path_beg /deny }',
      'use_backend be_hangup if { path_beg /hangup }',
    ],
  })}
backend be_hangup
    server hu1 127.0.0.1:${ctx.srv.hangup}
`;
}

const CUSTOM_MIX_SERVERS = { ...MIX_SERVERS, hangup: { behaviour: 'hangup' } } satisfies ScenarioConfig['servers'];

async function driveCustomMix(lab: LabContext, o: { tsc: boolean; noConnectionUpgrade: boolean }): Promise<void> {
  const t = (four: string): string => (o.tsc ? four : four.slice(0, 2));
  const c: LabContext['client'] = (opts) =>
    lab.client({ ...opts, ...(opts.expected ? { expected: { ...opts.expected, termination: t(opts.expected.termination) } } : {}) });
  await Promise.all([
    driveMix({ ...lab, client: c }, { idle: true }),
    c({ scenario: 'ws.hangup', backend: 'be_hangup', path: '/hangup', expected: exp(502, 'SH--', 'server.hangup') }),
    c({ scenario: 'ws.denied', backend: 'fe_mix', path: '/deny/me', expected: exp(429, 'PR--', 'proxy.deny') }),
    c({ scenario: 'http.ok', backend: 'be_web', kind: 'http', method: 'POST', path: '/api/v1/items?id=7&x=%20y', expected: exp(200, '----', 'ok') }),
    c({ scenario: 'ws.partial-request', backend: 'fe_mix', path: '/ws/partial', partialRequest: true, end: 'wait', maxMs: 3000, expected: exp(408, 'cR--', 'timeout.http-request') }),
  ]);
  // Only where the format logs the Upgrade header: without it a 400 to an upgrade is a plain 400 on the line.
  if (o.noConnectionUpgrade)
    await c({ scenario: 'ws.no-connection-upgrade', backend: 'be_ws', path: '/ws/noconn', omitConnectionUpgrade: true, expected: exp(400, '----', 'upgrade.rejected') });
}

export function wsCustomTimersScenario(): ScenarioConfig {
  return {
    name: 'ws-custom-timers',
    frontends: ['http'],
    servers: CUSTOM_MIX_SERVERS,
    cfg: (ctx) =>
      customMixCfg(ctx, [`unique-id-format ${CUSTOM_TIMERS_UNIQUE_ID_FORMAT}`, `log-format "${CUSTOM_TIMERS_LOG_FORMAT}"`]),
    drive: (lab) => driveCustomMix(lab, { tsc: false, noConnectionUpgrade: false }),
    maxMs: 15_000,
  };
}

export function wsCustomQuotedScenario(): ScenarioConfig {
  return {
    name: 'ws-custom-quoted',
    frontends: ['http'],
    servers: CUSTOM_MIX_SERVERS,
    cfg: (ctx) => customMixCfg(ctx, ['capture request header Upgrade len 32', `log-format "${CUSTOM_QUOTED_LOG_FORMAT}"`]),
    drive: (lab) => driveCustomMix(lab, { tsc: true, noConnectionUpgrade: true }),
    maxMs: 15_000,
  };
}

export function wsHttpslogScenario(): ScenarioConfig {
  return {
    name: 'ws-httpslog',
    frontends: ['http'],
    servers: MIX_SERVERS,
    tls: true,
    cfg: (ctx) =>
      mixCfg(ctx, {
        bindExtra: `ssl crt ${ctx.certPath}`,
        frontendLines: ['option httpslog', ...UPGRADE_CAPTURES.map((l) => l.trim())],
      }),
    drive: async (lab) => {
      await Promise.all([
        driveMix(lab, { tls: true, idle: true }),
        // error-log lines: plain TCP clients on the ssl bind
        lab.client({ scenario: 'tls.garbage', backend: 'fe_mix', kind: 'raw', rawPayload: 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n', end: 'wait', maxMs: 3000, expected: { ...exp(null, '', 'client.abort'), errorLog: 'SSL handshake failure' } }),
        lab.client({ scenario: 'tls.closed', backend: 'fe_mix', kind: 'raw', rawPayload: Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 0x01]), holdMs: 100, end: 'fin', maxMs: 3000, expected: { ...exp(null, '', 'client.abort'), errorLog: 'Connection closed during SSL handshake' } }),
        lab.client({ scenario: 'tls.timeout', backend: 'fe_mix', kind: 'raw', rawPayload: Buffer.from([0x16, 0x03]), end: 'wait', maxMs: 4000, expected: { ...exp(null, '', 'timeout.client'), errorLog: 'Timeout during SSL handshake' } }),
      ]);
    },
    maxMs: 15_000,
  };
}

export function envelopeScenario(format: LogTarget): ScenarioConfig {
  return {
    name: `envelope-${format}`,
    frontends: ['http'],
    servers: MIX_SERVERS,
    cfg: (ctx) =>
      mixCfg(ctx, {
        globalOpts: { format },
        frontendLines: ['option httplog', ...UPGRADE_CAPTURES.map((l) => l.trim())],
      }),
    drive: (lab) => driveMix(lab),
    maxMs: 10_000,
  };
}

export function wsLogasapScenario(): ScenarioConfig {
  return {
    name: 'ws-logasap',
    frontends: ['http'],
    servers: MIX_SERVERS,
    cfg: (ctx) => mixCfg(ctx, { frontendLines: ['option httplog', 'option logasap', ...UPGRADE_CAPTURES.map((l) => l.trim())] }),
    // with logasap the line is written at the 101: what happens to the tunnel afterwards is not logged
    drive: (lab) =>
      driveMix(lab, {
        idle: true,
        override: { 'ws.client-abort': { termination: '----' }, 'ws.idle.tunnel-timeout': { termination: '----' } },
      }),
    maxMs: 10_000,
  };
}

/** Same long URL through two frontends: one logging with len 1024 (the default), one with len 4096. */
export function wsLongUrlScenario(): ScenarioConfig {
  return {
    name: 'ws-longurl',
    frontends: ['short', 'long'],
    servers: { web: { behaviour: 'echo' }, ws: { behaviour: 'echo' } },
    cfg: ({ fe, srv }) => `${globalSection()}
defaults
    mode http
    option httplog
    timeout connect 1s
    timeout client 1500ms
    timeout server 3s

# default line length: 1024
frontend fe_len1024
    bind 127.0.0.1:${fe.short}
    log stdout format raw local0
${UPGRADE_CAPTURES.join('\n')}
    use_backend be_ws if { path_beg /ws }
    default_backend be_web

frontend fe_len4096
    bind 127.0.0.1:${fe.long}
    log stdout len 4096 format raw local0
${UPGRADE_CAPTURES.join('\n')}
    use_backend be_ws if { path_beg /ws }
    default_backend be_web

backend be_web
    log global
    server web1 127.0.0.1:${srv.web}

backend be_ws
    log global
    timeout tunnel 1s
    server ws1 127.0.0.1:${srv.ws}
`,
    drive: async (lab) => {
      const q = `q=${'a'.repeat(1400)}&end=1`;
      for (const [fe, len] of [
        ['short', '1024'],
        ['long', '4096'],
      ] as const) {
        await lab.client({ fe, scenario: `http.long-url@${len}`, backend: 'be_web', kind: 'http', path: `/search?${q}`, expected: exp(200, '----', 'ok') });
        await lab.client({ fe, scenario: `ws.long-url@${len}`, backend: 'be_ws', path: `/ws/chat?token=${'t'.repeat(1100)}`, messages: ['hi'], expected: exp(101, '----', 'ok') });
        await lab.client({ fe, scenario: `http.short-url@${len}`, backend: 'be_web', kind: 'http', path: '/ok', expected: exp(200, '----', 'ok') });
      }
    },
    maxMs: 10_000,
  };
}

// =====================================================================================
// events: HAProxy's own lines (health checks, server state, pause/resume, stop, hard-stop)
// =====================================================================================

export function eventsCfg({ fe, srv, dir }: CfgContext): string {
  return `${globalSection({ extra: [`stats socket ${dir}/admin.sock level admin`, 'stats timeout 2s'] }).replace('hard-stop-after 3s', 'hard-stop-after 1s')}
defaults
    mode http
    log global
    option httplog
    timeout connect 1s
    timeout client 5s
    timeout server 5s
    timeout check 1s
    retries 1

frontend fe_ev
    bind 127.0.0.1:${fe.http}
    use_backend be_ws101 if { path_beg /ws101 }
    use_backend be_flap if { path_beg /flap }
    default_backend be_ok

# classic misconfiguration: the check asks for an upgrade, the server answers 101
backend be_ws101
    option httpchk
    option log-health-checks
    http-check send meth GET uri /ws ver HTTP/1.1 hdr Host localhost hdr Upgrade websocket hdr Connection Upgrade hdr Sec-WebSocket-Key dGhlIHNhbXBsZSBub25jZQ== hdr Sec-WebSocket-Version 13
    http-check expect status 200
    server w101 127.0.0.1:${srv.ws101} check inter 200 fall 2 rise 2

# same misconfiguration without log-health-checks (only the state change is logged)
backend be_ws101_quiet
    option httpchk
    http-check send meth GET uri /ws ver HTTP/1.1 hdr Host localhost hdr Upgrade websocket hdr Connection Upgrade hdr Sec-WebSocket-Key dGhlIHNhbXBsZSBub25jZQ== hdr Sec-WebSocket-Version 13
    http-check expect status 200
    server q101 127.0.0.1:${srv.ws101} check inter 200 fall 2 rise 2

# server killed then restarted: DOWN (L4 refused) then UP (L7 ok), with every check logged
backend be_flap
    option httpchk GET /health
    option log-health-checks
    timeout tunnel 10s
    server fl1 127.0.0.1:${srv.flap} check inter 200 fall 2 rise 2
    server fl2 127.0.0.1:${srv.flap2} check inter 200 fall 2 rise 2

# same flapping server, without log-health-checks: DOWN/UP lines carry the reason inline
backend be_flap_quiet
    option httpchk GET /health
    server fq1 127.0.0.1:${srv.flap} check inter 200 fall 2 rise 2

# server answering 503 to the check -> Layer7 wrong status, code: 503
backend be_503chk
    option httpchk GET /health
    server s503 127.0.0.1:${srv.s503} check inter 200 fall 1 rise 1

# check answered with garbage -> Layer7 invalid response
backend be_badchk
    option httpchk GET /health
    server bc1 127.0.0.1:${srv.garbage} check inter 200 fall 1 rise 1

# check never answered -> Layer7 timeout (timeout check 300ms)
backend be_slowchk
    timeout check 300ms
    option httpchk GET /health
    server sc1 127.0.0.1:${srv.slow} check inter 200 fall 1 rise 1

# tcp check against a closed port -> Layer4 connection problem
backend be_tcpchk
    mode tcp
    server tc1 127.0.0.1:${srv.dead} check inter 200 fall 1 rise 1

# 200 for the check -> stays UP, never logged
backend be_ok
    option httpchk GET /health
    server ok1 127.0.0.1:${srv.ok} check inter 200 fall 2 rise 2
`;
}

async function driveEvents(lab: LabContext): Promise<void> {
  const h = lab.haproxy;
  for (const re of [
    /be_ws101\/w101 is DOWN/,
    /be_ws101_quiet\/q101 is DOWN/,
    /be_503chk\/s503 is DOWN/,
    /be_badchk\/bc1 is DOWN/,
    /be_tcpchk\/tc1 is DOWN/,
    /be_slowchk\/sc1 is DOWN/,
    /be_flap\/fl2 succeeded/,
  ])
    await h.waitForLine(re, 3000);
  // flap: kill fl1, wait DOWN, restart, wait UP
  await lab.killServer('flap', 'rst');
  await h.waitForLine(/be_flap\/fl1 is DOWN/, 3000);
  await h.waitForLine(/be_flap_quiet\/fq1 is DOWN/, 3000);
  await lab.restartServer('flap');
  await h.waitForLine(/be_flap\/fl1 is UP/, 3000);
  await h.waitForLine(/be_flap_quiet\/fq1 is UP/, 3000);
  // admin: maintenance via the stats socket
  lab.note(await lab.cli('set server be_flap/fl2 state maint'));
  await lab.sleep(100);
  lab.note(await lab.cli('set server be_flap/fl2 state ready'));
  await lab.sleep(300);
  lab.note(await lab.cli('disable health be_flap/fl2'));
  lab.note(await lab.cli('set server be_flap/fl2 health down'));
  await lab.sleep(100);
  lab.note(await lab.cli('set server be_flap/fl2 health up'));
  lab.note(await lab.cli('enable health be_flap/fl2'));
  await lab.sleep(100);
  // pause / resume proxies
  h.signal('SIGTTOU');
  await lab.sleep(200);
  h.signal('SIGTTIN');
  await lab.sleep(200);
  // a tunnel that is still open at soft stop -> hard-stop-after 1s kills it
  const upgradedOnFlap = Object.entries(lab.servers).filter(([name]) => name.startsWith('flap')).reduce((n, [, b]) => n + b.stats.upgrades, 0);
  const open = lab.client({
    scenario: 'ws.killed-by-hard-stop',
    backend: 'be_flap',
    path: '/flap',
    end: 'wait',
    maxMs: 5000,
    expected: exp(101, 'K---', 'proxy.killed'),
  });
  // Soft stop once the tunnel is open (a flap server answered its upgrade).
  await lab.until(() => Object.entries(lab.servers).filter(([name]) => name.startsWith('flap')).reduce((n, [, b]) => n + b.stats.upgrades, 0) > upgradedOnFlap);
  h.signal('SIGUSR1');
  await open;
  await h.exited;
}

export function eventsScenario(): ScenarioConfig {
  return {
    name: 'events',
    frontends: ['http'],
    servers: {
      ws101: { behaviour: 'echo' },
      flap: { behaviour: 'echo' },
      flap2: { behaviour: 'echo' },
      garbage: { behaviour: 'garbage' },
      slow: { behaviour: 'slow:5000' },
      dead: { behaviour: 'dead' },
      ok: { behaviour: 'echo' },
      s503: { behaviour: 'status:503' },
    },
    cfg: eventsCfg,
    drive: driveEvents,
    maxMs: 20_000,
    expectLines: [
      /^Health check for server be_ws101\/w101 failed, reason: Layer7 wrong status, code: 101/,
      /^Server be_ws101_quiet\/q101 is DOWN, reason: Layer7 wrong status, code: 101/,
      /^backend be_ws101 has no server available!$/,
      /^Server be_503chk\/s503 is DOWN, reason: Layer7 wrong status, code: 503/,
      /^Server be_badchk\/bc1 is DOWN, reason: Layer7 invalid response/,
      /^Server be_tcpchk\/tc1 is DOWN, reason: Layer4 connection problem/,
      /^Server be_slowchk\/sc1 is DOWN, reason: Layer7 timeout/,
      /^Server be_flap\/fl1 is DOWN\. /,
      /^Server be_flap\/fl1 is UP\. /,
      /^Server be_flap_quiet\/fq1 is DOWN, reason: /,
      /^Server be_flap_quiet\/fq1 is UP, reason: Layer7 check passed/,
      /^Server be_flap\/fl2 is going DOWN for maintenance/,
      /^Server be_flap\/fl2 is UP\/READY \(leaving forced maintenance\)/,
      /^Server be_flap\/fl2 is DOWN, changed from CLI/,
      /^Paused frontend fe_ev\.$/,
      /^Resumed frontend fe_ev\.$/,
      /^Proxy fe_ev stopped \(cumulated conns: /,
      /^soft-stop running for too long, performing a hard-stop\.$/,
      /^Proxy fe_ev hard-stopped \(1 remaining conns will be closed\)\.$/,
    ],
  };
}


// =====================================================================================
// ws-intervals: fixed-interval disconnects. Eight idle tunnels each cut by timeout tunnel
// (2 s), by timeout client (1.5 s, backend without timeout tunnel) and by the backend itself
// after 1 s (`----`, nothing in HAProxy explains it), plus busy tunnels that end at random
// times and must form no cluster.
// =====================================================================================

async function driveIntervals(lab: LabContext): Promise<void> {
  const c = lab.client;
  const clients: Promise<unknown>[] = [];
  for (let i = 0; i < 8; i++) {
    clients.push(c({ scenario: 'ws.idle.tunnel-timeout', backend: 'be_ws', path: '/ws/idle', end: 'wait', maxMs: 5000, expected: exp(101, 'cD--', 'timeout.tunnel') }));
    clients.push(c({ scenario: 'ws.idle.client-timeout', backend: 'be_notunnel', path: '/notunnel', end: 'wait', maxMs: 5000, expected: exp(101, 'cD--', 'timeout.client') }));
    clients.push(c({ scenario: 'ws.server-close', backend: 'be_close', path: '/close', end: 'wait', maxMs: 5000, expected: exp(101, '----', 'ok') }));
    // Busy tunnels closed by the client after a different, spread-out time each.
    clients.push(c({ scenario: 'ws.busy', backend: 'be_ws', path: '/ws/chat', messages: ['x'], holdMs: 150 + i * 170, expected: exp(101, '----', 'ok') }));
  }
  await Promise.all(clients);
}

export function wsIntervalsScenario(): ScenarioConfig {
  return {
    ...wsHttplogScenario(),
    name: 'ws-intervals',
    drive: driveIntervals,
    maxMs: 15_000,
    expectLines: [],
  };
}

// =====================================================================================
// ws-incidents: what an operator looks for next. Twelve open tunnels of one server killed at
// once (mass disconnect, SD--), one client reconnecting 25 times within a minute (reconnect
// storm), and a server with maxconn 1 that makes upgrades wait in its queue.
// =====================================================================================

function incidentsCfg(ctx: CfgContext): string {
  return wsHttplogCfg(ctx)
    .replace('    use_backend be_ws if { path_beg /ws } || { path_beg /rl }', '    use_backend be_mass if { path_beg /mass }\n    use_backend be_queue if { path_beg /queue }\n    use_backend be_ws if { path_beg /ws } || { path_beg /rl }')
    .concat(`
backend be_mass
    timeout tunnel 10s
    server m1 127.0.0.1:${ctx.srv.mass}

backend be_queue
    timeout tunnel 10s
    server q1 127.0.0.1:${ctx.srv.queue} maxconn 1
`);
}

/**
 * A latch for one client: `seen` resolves when its response head has come back through HAProxy (ws-client calls
 * onResponse then, or when it ends without one). A server killed once its clients have their 101 cuts open
 * tunnels; killed as soon as it has written the 101, it can be gone before HAProxy has read it (on a busy machine
 * HAProxy then read the 101 and the reset together and logged a normal close, `----`, for all twelve).
 */
function responded(): { onResponse: () => void; seen: Promise<void> } {
  let onResponse!: () => void;
  const seen = new Promise<void>((resolve) => (onResponse = resolve));
  return { onResponse, seen };
}

async function driveIncidents(lab: LabContext): Promise<void> {
  const c = lab.client;
  const opened = Array.from({ length: 12 }, responded);
  const tunnels = opened.map(({ onResponse }) =>
    c({ scenario: 'mass.killed', backend: 'be_mass', path: '/mass/feed', end: 'wait', maxMs: 15_000, onResponse, expected: exp(101, 'SD--', 'server.abort') }));
  const queued = Array.from({ length: 3 }, () =>
    c({ scenario: 'queue.waits', backend: 'be_queue', path: '/queue', messages: ['x'], holdMs: 300, expected: exp(101, '----', 'ok') }));
  // The mass disconnect breaks 12 open tunnels: killed once all 12 clients have their 101.
  await Promise.all(opened.map(({ seen }) => seen));
  await lab.killServer('mass', 'rst');
  for (let i = 0; i < 25; i++) {
    await c({ scenario: 'storm.reconnect', backend: 'be_ws', path: '/ws/chat', messages: ['hi'], expected: exp(101, '----', 'ok') });
  }
  await Promise.all([...tunnels, ...queued]);
}

export function wsIncidentsScenario(): ScenarioConfig {
  const base = wsHttplogScenario();
  return {
    ...base,
    name: 'ws-incidents',
    servers: { ...base.servers, mass: { behaviour: 'echo' }, queue: { behaviour: 'echo' } },
    cfg: incidentsCfg,
    drive: driveIncidents,
    maxMs: 20_000,
    expectLines: [],
  };
}

export const ALL_SCENARIOS: Record<string, () => ScenarioConfig> = {
  'ws-incidents': wsIncidentsScenario,
  'ws-intervals': wsIntervalsScenario,
  'ws-httplog': wsHttplogScenario,
  events: eventsScenario,
  'ws-tcplog': wsTcplogScenario,
  'ws-clf': wsClfScenario,
  'ws-custom': wsCustomScenario,
  'ws-custom-timers': wsCustomTimersScenario,
  'ws-custom-quoted': wsCustomQuotedScenario,
  'ws-httpslog': wsHttpslogScenario,
  'envelope-rfc5424': () => envelopeScenario('rfc5424'),
  'envelope-rfc3164': () => envelopeScenario('rfc3164'),
  'envelope-iso': () => envelopeScenario('iso'),
  'envelope-timed': () => envelopeScenario('timed'),
  'envelope-short': () => envelopeScenario('short'),
  'ws-logasap': wsLogasapScenario,
  'ws-longurl': wsLongUrlScenario,
  'envelope-priority': () => envelopeScenario('priority'),
  'envelope-local': () => envelopeScenario('local'),
};

export type { Truth };
