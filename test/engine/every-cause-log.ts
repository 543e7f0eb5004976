/**
 * A deterministic log, with its haproxy.cfg, holding a failure of every cause of the README's table and what each
 * diagnosis looks for: fixed-interval disconnects, a reconnect storm and a wave, tunnels of one server cut
 * together before its DOWN, sticky misses by cookie and by source, denied upgrades, a queue, health checks
 * answered 101, rejected lines, and lines of a custom format without a termination state. Lines are in the
 * shapes HAProxy 2.6 writes (samples/ holds real ones): syslog envelope, then `option httplog`.
 */
import { writeFileSync } from 'node:fs';

const CONFIG = `global
    log stdout format raw local0

defaults
    mode http
    log global
    option httplog
    timeout connect 1s
    timeout client 2s
    timeout server 5s
    timeout http-request 1s
    timeout queue 1s

frontend fe_ws
    bind 127.0.0.1:8080
    capture request header Upgrade len 32
    capture request header Connection len 32
    use_backend be_notunnel if { path_beg /notunnel }
    use_backend be_cookie if { path_beg /cookie }
    use_backend be_src if { path_beg /src }
    use_backend be_hc if { path_beg /hc }
    use_backend be_ws if { path_beg /ws }
    default_backend be_web

frontend fe_custom
    bind 127.0.0.1:8081
    log-format "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %ac/%fc/%bc/%sc/%rc %sq/%bq %{+Q}r"
    default_backend be_ws

backend be_web
    server web1 127.0.0.1:9001

backend be_ws
    timeout tunnel 10s
    server ws1 127.0.0.1:9002 maxconn 50
    server ws2 127.0.0.1:9003 maxconn 50

backend be_notunnel
    server nt1 127.0.0.1:9004

backend be_cookie
    timeout tunnel 1h
    cookie SRV insert indirect nocache
    server ck1 127.0.0.1:9005 cookie ck1 check
    server ck2 127.0.0.1:9006 cookie ck2 check

backend be_src
    timeout tunnel 1h
    balance source
    server sr1 127.0.0.1:9007
    server sr2 127.0.0.1:9008

backend be_hc
    timeout tunnel 1h
    option httpchk GET /ws
    http-check send hdr Upgrade websocket hdr Connection Upgrade
    server hc1 127.0.0.1:9009 check
`;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** 22 Nov 2026 10:00:00 UTC plus `ms`. */
const START = Date.UTC(2026, 10, 22, 10, 0, 0);

function envelope(ms: number): string {
  const d = new Date(START + ms);
  return `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} lb1 haproxy[4242]: `;
}

function acceptDate(ms: number): string {
  const d = new Date(START + ms);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

interface Session {
  readonly at: number;
  readonly client?: string;
  readonly port?: number;
  readonly backend: string;
  readonly server: string;
  /** Tq/Tw/Tc/Tr/Ta as logged. */
  readonly timers: string;
  readonly status: number;
  readonly cookie?: string;
  readonly flags: string;
  readonly queues?: string;
  readonly upgrade?: boolean;
  readonly path: string;
}

function httplog(s: Session, n: number): string {
  const headers = s.upgrade ? '{websocket|Upgrade}' : '{|}';
  return `${envelope(s.at)}${s.client ?? `10.0.${Math.floor(n / 200) % 250}.${(n % 200) + 1}`}:${s.port ?? 40000 + (n % 20000)} [${acceptDate(s.at)}] fe_ws ${s.backend}/${s.server} ` +
    `${s.timers} ${s.status} ${s.status === 101 ? 512 : 230} ${s.cookie ?? '-'} - ${s.flags} 10/10/3/1/0 ${s.queues ?? '0/0'} ${headers} "GET ${s.path} HTTP/1.1"`;
}

export function writeEveryCauseLog(logPath: string, configPath: string): void {
  const lines: string[] = [];
  let n = 0;
  const add = (s: Session): void => void lines.push(httplog(s, n++));
  const ws = { upgrade: true, path: '/ws/chat' };
  let t = 0;
  // Every cause of queries/session-causes.sql, a few times each.
  for (let i = 0; i < 3; i++, t += 1000) {
    add({ at: t, backend: 'be_web', server: 'web1', timers: '0/0/1/2/3', status: 200, flags: '----', path: '/' });
    add({ at: t + 10, backend: 'be_ws', server: 'ws1', timers: '0/0/1/2/+5', status: 101, flags: '----', ...ws });
    add({ at: t + 20, backend: 'be_ws', server: 'ws2', timers: '0/0/1/2/3400', status: 101, flags: 'CD--', ...ws });
    add({ at: t + 30, backend: 'be_ws', server: 'ws1', timers: '0/0/1/2/10003', status: 101, flags: 'cD--', ...ws });
    add({ at: t + 40, backend: 'be_notunnel', server: 'nt1', timers: '0/0/1/2/2001', status: 101, flags: 'cD--', upgrade: true, path: '/notunnel' });
    add({ at: t + 50, backend: 'be_notunnel', server: 'nt1', timers: '0/0/1/2/5002', status: 101, flags: 'sD--', upgrade: true, path: '/notunnel' });
    add({ at: t + 60, backend: 'be_web', server: 'web1', timers: '0/0/-1/-1/1001', status: 503, flags: 'sC--', path: '/api' });
    add({ at: t + 70, backend: 'fe_ws', server: '<NOSRV>', timers: '-1/-1/-1/-1/1000', status: 408, flags: 'cR--', path: '/slow' });
    add({ at: t + 80, backend: 'be_ws', server: '<NOSRV>', timers: '0/1000/-1/-1/1000', status: 503, flags: 'sQ--', queues: '0/12', ...ws });
    add({ at: t + 90, backend: 'be_ws', server: 'ws2', timers: '0/0/1/-1/5001', status: 504, flags: 'sH--', ...ws });
    add({ at: t + 100, backend: 'be_web', server: 'web1', timers: '0/0/1/-1/4', status: 502, flags: 'PH--', path: '/garbage' });
    add({ at: t + 110, backend: 'be_web', server: 'web1', timers: '0/0/1/-1/4', status: 502, flags: 'SH--', path: '/hangup' });
    add({ at: t + 120, backend: 'be_web', server: 'web1', timers: '0/0/-1/-1/0', status: 503, flags: 'SC--', path: '/refused' });
    add({ at: t + 130, backend: 'be_ws', server: 'ws2', timers: '0/0/1/2/800', status: 101, flags: 'SD--', ...ws });
    add({ at: t + 140, backend: 'be_web', server: 'web1', timers: '0/0/1/3/4', status: 500, flags: '----', path: '/error' });
    add({ at: t + 150, backend: 'be_hc', server: '<NOSRV>', timers: '0/-1/-1/-1/0', status: 503, flags: 'SC--', upgrade: true, path: '/hc' });
    add({ at: t + 160, backend: 'be_ws', server: '<NOSRV>', timers: '0/-1/-1/-1/0', status: 403, flags: 'PR--', ...ws });
    add({ at: t + 170, backend: 'be_ws', server: '<NOSRV>', timers: '0/-1/-1/-1/0', status: 429, flags: 'PR--', ...ws });
    add({ at: t + 180, backend: 'be_web', server: 'web1', timers: '0/0/1/2/3', status: 500, flags: 'RH--', path: '/resource' });
    add({ at: t + 190, backend: 'be_web', server: 'web1', timers: '0/0/1/2/3', status: 500, flags: 'IH--', path: '/internal' });
    add({ at: t + 200, backend: 'be_ws', server: 'ws1', timers: '0/0/1/2/2500', status: 101, flags: 'KD--', ...ws });
    add({ at: t + 210, backend: 'be_ws', server: 'ws1', timers: '0/0/1/2/3', status: 426, flags: '----', ...ws });
    add({ at: t + 220, backend: 'be_ws', server: 'ws1', timers: '0/0/1/2/3', status: 400, flags: '----', ...ws });
    // A failed GET to a path that upgrades, on a line without headers: an upgrade inferred.
    add({ at: t + 230, backend: 'be_ws', server: 'ws2', timers: '0/0/1/2/3', status: 404, flags: '----', path: '/ws/chat' });
    add({ at: t + 240, backend: 'be_web', server: 'web1', timers: '0/0/1/2/3', status: 304, flags: '----', path: '/static/a.css' });
  }
  // Idle tunnels of be_notunnel cut every 2 s by timeout client: a disconnect cluster.
  for (let i = 0; i < 14; i++) add({ at: 5000 + i * 97, backend: 'be_notunnel', server: 'nt1', timers: `0/0/1/2/${2000 + (i % 3)}`, status: 101, flags: 'cD--', upgrade: true, path: '/notunnel' });
  // One client reconnecting 30 times in a minute: a reconnect storm.
  for (let i = 0; i < 30; i++) add({ at: 8000 + i * 1500, client: '192.0.2.77', backend: 'be_ws', server: 'ws2', timers: '0/0/1/2/900', status: 101, flags: 'CD--', ...ws });
  // 30 tunnels of ws1 cut within one second (the server crashed), then its DOWN: a mass disconnect and a wave.
  const crash = 60_000;
  for (let i = 0; i < 30; i++) add({ at: crash - 40_000 + i * 10, client: `198.51.100.${i + 1}`, backend: 'be_ws', server: 'ws1', timers: `0/0/1/2/${40_000 + i * 20}`, status: 101, flags: 'SD--', ...ws });
  lines.push(`${envelope(crash + 900)}Server be_ws/ws1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.`);
  // …and their clients come back together on ws2, with others: 40 upgrades in one second, a reconnect wave.
  for (let i = 0; i < 40; i++) add({ at: crash + 1000 + i * 20, client: `198.51.100.${i + 1}`, backend: 'be_ws', server: 'ws2', timers: '0/0/1/2/5000', status: 101, flags: 'CD--', ...ws });
  lines.push(`${envelope(crash + 30_000)}Server be_ws/ws1 is UP, reason: Layer4 check passed, check duration: 0ms. 2 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.`);
  // Sticky by cookie: clients sent ck1's cookie and landed on ck2 after ck1 went DOWN.
  lines.push(`${envelope(70_000)}Server be_cookie/ck1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.`);
  for (let i = 0; i < 8; i++) {
    add({ at: 70_100 + i * 300, client: `203.0.113.${i + 1}`, backend: 'be_cookie', server: i < 5 ? 'ck2' : 'ck1', timers: '0/0/1/2/700', status: 101, cookie: 'SRV=ck1', flags: i < 5 ? 'CDDN' : 'CDVN', upgrade: true, path: '/cookie' });
    add({ at: 70_150 + i * 300, client: `203.0.113.${i + 1}`, backend: 'be_cookie', server: 'ck1', timers: '0/0/1/2/700', status: 101, cookie: 'SRV=ck1', flags: 'CDVN', upgrade: true, path: '/cookie' });
  }
  // Sticky by source: the same clients on the other server after a rehash.
  for (let i = 0; i < 6; i++) {
    for (let k = 0; k < 4; k++) add({ at: 80_000 + i * 500 + k * 100, client: `192.0.2.${10 + i}`, backend: 'be_src', server: k < 2 ? 'sr1' : 'sr2', timers: '0/0/1/2/300', status: 101, flags: 'CD--', upgrade: true, path: '/src' });
  }
  // A health check that expects 200 from a WebSocket endpoint, answered 101.
  lines.push(`${envelope(90_000)}Health check for server be_hc/hc1 failed, reason: Layer7 wrong status, code: 101, info: "Switching Protocols", check duration: 1ms, status: 0/2 DOWN.`);
  lines.push(`${envelope(90_001)}Server be_hc/hc1 is DOWN, reason: Layer7 wrong status, code: 101, info: "Switching Protocols", check duration: 1ms. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.`);
  lines.push(`${envelope(90_002)}backend be_hc has no server available!`);
  // The custom format without %tsc: HAProxy's own 502 and a tunnel that lasted its idle timeout, then one that did not.
  const custom = (ms: number, server: string, timers: string, status: number, port: number): string =>
    `${envelope(ms)}10.9.0.1:${port} [${acceptDate(ms)}] fe_custom be_ws/${server} ${timers} ${status} 230 3/3/1/1/0 0/0 "GET /ws/feed HTTP/1.1"`;
  lines.push(custom(95_000, 'ws2', '0/0/1/-1/3', 502, 50001));
  lines.push(custom(95_100, 'ws2', '0/0/1/2/10020', 101, 50002));
  lines.push(custom(95_200, 'ws2', '0/0/1/2/4000', 101, 50003));
  // Lines no format reads, and one cut short.
  lines.push(`${envelope(96_000)}this is not a HAProxy line at all`);
  lines.push(`${envelope(96_100)}10.0.0.9:4000 [${acceptDate(96_100)}] fe_ws be_web/web1 0/0/1/2/3 200`);
  writeFileSync(logPath, `${lines.join('\n')}\n`);
  writeFileSync(configPath, CONFIG);
}
