/**
 * HAProxy's own messages (not traffic): server and backend state changes, health checks, proxy life cycle,
 * the legacy "Connect from" line and the error log format (section 8.2.5). Data: one pattern per kind, each
 * with real lines. Patterns are anchored and use disjoint classes only, and the line is length-capped
 * before it gets here, so none can backtrack badly.
 */

export const EventKind = {
  serverDown: 'server.down',
  serverUp: 'server.up',
  serverMaintenance: 'server.maintenance',
  checkFailed: 'check.failed',
  checkSucceeded: 'check.succeeded',
  backendNoServer: 'backend.no-server',
  proxyStarted: 'proxy.started',
  proxyStopped: 'proxy.stopped',
  proxyStopping: 'proxy.stopping',
  proxyPaused: 'proxy.paused',
  proxyResumed: 'proxy.resumed',
  connect: 'connect',
  connectionError: 'connection.error',
  /** Any other message of HAProxy's own (SPOE processing…): stored as an event, never taken for garbage. */
  haproxyMessage: 'haproxy.message',
} as const;
export type EventKind = (typeof EventKind)[keyof typeof EventKind];

export interface EventRecord {
  kind: EventKind;
  /** Backend, frontend or proxy the message is about. */
  proxy: string | null;
  server: string | null;
  /** `reason:` of a check (e.g. `Layer7 wrong status`). */
  reason: string | null;
  /** Status code the check got (e.g. 101 from a WebSocket endpoint answering an upgrade). */
  checkCode: number | null;
  /** `info:` of a check (e.g. `Switching Protocols`, `Connection refused`). */
  checkInfo: string | null;
  checkDurationMs: number | null;
  /** Servers left/online after the change. */
  activeServers: number | null;
  backupServers: number | null;
  /** Sessions that were active on a server going DOWN, and how many were requeued. */
  sessionsActive: number | null;
  requeued: number | null;
  clientIp: string | null;
  clientPort: number | null;
  /** Accept date of an error-log line, as wall-clock ms read as UTC (like SessionRecord.localMs). */
  localMs: number | null;
  /** The text after the envelope. */
  message: string;
}

export interface EventPattern {
  readonly kind: EventKind;
  readonly pattern: RegExp;
  /** Lines real HAProxy wrote, envelope included. */
  readonly samples: readonly string[];
}

// Names in HAProxy are [A-Za-z0-9_.:-]; internal proxies are written `<HTTPCLIENT>`.
const NAME = '([A-Za-z0-9_.:-]+|<[A-Z]+>)';

export const EVENT_PATTERNS: readonly EventPattern[] = [
  {
    kind: EventKind.serverDown,
    pattern: new RegExp(`^(?:Server|Backup Server) ${NAME}/${NAME} is DOWN\\b`),
    samples: [
      // HAProxy 2.6.12 in the lab (samples/events.log, samples/ws-httpslog.log).
      "Server be_ws101_quiet/q101 is DOWN, reason: Layer7 wrong status, code: 101, info: \"Switching Protocols\", check duration: 2ms. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.",
      "Server be_ws101/w101 is DOWN. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.",
    ],
  },
  {
    kind: EventKind.serverUp,
    pattern: new RegExp(`^(?:Server|Backup Server) ${NAME}/${NAME} is UP\\b`),
    samples: [
      // HAProxy 2.6.12 in the lab (samples/events.log, samples/ws-httpslog.log).
      "Server be_flap/fl1 is UP. 2 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.",
    ],
  },
  {
    kind: EventKind.serverMaintenance,
    pattern: new RegExp(`^(?:Server|Backup Server) ${NAME}/${NAME} (?:is going DOWN for maintenance|was DOWN and now enters maintenance|enters maintenance|is UP/READY \\(leaving forced maintenance\\))`),
    samples: [],
  },
  {
    kind: EventKind.checkFailed,
    pattern: new RegExp(`^Health check for (?:backup )?server ${NAME}/${NAME} failed\\b`),
    samples: [
      // HAProxy 2.6.12 in the lab (samples/events.log, samples/ws-httpslog.log).
      "Health check for server be_ws101/w101 failed, reason: Layer7 wrong status, code: 101, info: \"Switching Protocols\", check duration: 0ms, status: 0/2 DOWN.",
    ],
  },
  {
    kind: EventKind.checkSucceeded,
    pattern: new RegExp(`^Health check for (?:backup )?server ${NAME}/${NAME} succeeded\\b`),
    samples: [
      // HAProxy 2.6.12 in the lab (samples/events.log, samples/ws-httpslog.log).
      "Health check for server be_flap/fl1 succeeded, reason: Layer7 check passed, code: 200, check duration: 0ms, status: 2/2 UP.",
    ],
  },
  {
    kind: EventKind.backendNoServer,
    pattern: new RegExp(`^(?:backend|proxy) ${NAME} has no server available!$`),
    samples: [
      // HAProxy 2.6.12 in the lab (samples/events.log, samples/ws-httpslog.log).
      "backend be_ws101 has no server available!",
    ],
  },
  {
    kind: EventKind.proxyStarted,
    pattern: new RegExp(`^Proxy ${NAME} started\\.$`),
    samples: [],
  },
  {
    kind: EventKind.proxyStopped,
    pattern: new RegExp(`^(?:Proxy ${NAME} (?:stopped|hard-stopped)\\b|soft-stop running for too long, performing a hard-stop\\.$)`),
    samples: [
      // HAProxy 2.6.12 in the lab (samples/events.log, samples/ws-httpslog.log).
      "Proxy fe_ev stopped (cumulated conns: FE: 1, BE: 0).",
      "Proxy <HTTPCLIENT> stopped (cumulated conns: FE: 0, BE: 0).",
      "Proxy fe_ev hard-stopped (1 remaining conns will be closed).",
      "soft-stop running for too long, performing a hard-stop.",
    ],
  },
  {
    kind: EventKind.proxyStopping,
    pattern: new RegExp(`^Stopping (?:frontend|backend|proxy) ${NAME} in \\d+ ms\\.$`),
    samples: [],
  },
  {
    kind: EventKind.proxyPaused,
    pattern: new RegExp(`^(?:Pausing (?:frontend|backend|proxy) ${NAME}\\.|Paused (?:frontend|backend|proxy) ${NAME}\\.|Proxy ${NAME} paused\\.)$`),
    samples: [
      // HAProxy 2.6.12 in the lab (samples/events.log, samples/ws-httpslog.log).
      "Paused frontend fe_ev.",
    ],
  },
  {
    kind: EventKind.proxyResumed,
    pattern: new RegExp(`^(?:Resuming (?:frontend|backend|proxy) ${NAME}\\.|Resumed (?:frontend|backend|proxy) ${NAME}\\.|Proxy ${NAME} resumed\\.)$`),
    samples: [
      // HAProxy 2.6.12 in the lab (samples/events.log, samples/ws-httpslog.log).
      "Resumed frontend fe_ev.",
    ],
  },
  {
    kind: EventKind.connect,
    // Section 8.2.1, the deprecated default format.
    pattern: /^Connect from ([0-9A-Fa-f.:]+|unix):(\d+) to ([0-9A-Fa-f.:]+|unix):(\d+) \(([A-Za-z0-9_.:-]+)\/([A-Z]+)\)$/,
    samples: [
      'Feb  6 12:12:09 localhost haproxy[14385]: Connect from 10.0.1.2:33312 to 10.0.3.31:8012 (www/HTTP)',
    ],
  },
  {
    kind: EventKind.haproxyMessage,
    // SPOE (flt_spoe.c): `SPOE: [agent] <EVENT:name> sid=… st=… timers… counters…`, one per processed event.
    pattern: /^SPOE: \[[^\]\n]{1,200}\] <[A-Z-]{1,20}:[^>\n]{1,200}> sid=\d+ /,
    samples: [
      // HAProxy 2.6.12 in the lab: a filter spoe whose agent does not answer (st=1, timeout processing 300ms).
      'SPOE: [agent] <EVENT:on-frontend-http-request> sid=0 st=1 0/-1/-1/-1/301 0/1 0/0 1/1',
      'SPOE: [agent] <EVENT:on-frontend-http-request> sid=6 st=1 0/-1/-1/-1/302 0/1 0/0 3/3',
    ],
  },
  {
    kind: EventKind.connectionError,
    // Section 8.2.5, the default error log format: `ip:port [date] frontend/bind: message`.
    pattern: /^([0-9A-Fa-f.:]+|unix):(\d+) \[(\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d\.\d{3})\] ([A-Za-z0-9_.:-]+)\/([^ :]+): ([^\n]+)$/,
    samples: [
      // HAProxy 2.6.12 in the lab (samples/events.log, samples/ws-httpslog.log).
      "127.0.0.1:49366 [22/Nov/2026:04:41:49.210] fe_mix/1: SSL handshake failure",
      "127.0.0.1:49380 [22/Nov/2026:04:41:49.210] fe_mix/1: Connection closed during SSL handshake",
      'Dec  3 18:27:14 localhost haproxy[6103]: 127.0.0.1:56059 [03/Dec/2012:17:35:10.380] frt/f1: Connection error during SSL handshake',
    ],
  },
];
