/**
 * Tiny WebSocket / HTTP backends for the HAProxy lab. Node built-ins only.
 *
 * Every server listens on 127.0.0.1 (never anything else). Behaviours:
 *
 *   echo            101 on upgrade, echoes frames, stays open until the peer closes
 *   idle            101 on upgrade, then never sends anything (never closes either)
 *   close-after:MS  101 on upgrade, then closes the TCP connection (FIN) after MS ms
 *   garbage         answers any request with non-HTTP bytes   -> HAProxy 502 PH
 *   hangup          reads the request, closes without a byte  -> HAProxy 502 SH
 *   slow:MS         waits MS ms before answering              -> HAProxy 504 sH
 *   status:CODE     answers every request with plain HTTP CODE (no upgrade)
 *
 * Requests that are not upgrades get `200 OK` (keep-alive aware) unless the
 * behaviour is garbage/hangup/slow/status, which apply to every request.
 *
 * Health checks: HAProxy checks are ordinary HTTP requests. A check that asks
 * for an upgrade (`Upgrade: websocket`) is answered 101 like any upgrade, which
 * is exactly the classic misconfiguration ("Layer7 wrong status, code: 101").
 * `GET /health` (no upgrade) gets 200 unless the behaviour overrides it.
 *
 * `upgradeWithoutConnection`:
 *   'reject' (default) -> `Upgrade: websocket` without `Connection: upgrade`
 *                         is answered 400 (what most WS servers do)
 *   'accept'           -> answered 101 anyway (lenient server)
 *   'plain'            -> treated as a plain GET (200)
 */
import net from 'node:net';
import crypto from 'node:crypto';

// RFC 6455, section 1.3. (HAProxy checks the answer to the key it generates for an RFC 8441 stream.)
export const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export type Behaviour =
  | { kind: 'echo' }
  | { kind: 'idle' }
  | { kind: 'close-after'; ms: number }
  | { kind: 'garbage' }
  | { kind: 'hangup' }
  | { kind: 'slow'; ms: number }
  | { kind: 'status'; code: number };

export function parseBehaviour(spec: string): Behaviour {
  const [name, arg] = spec.split(':', 2) as [string, string | undefined];
  const num = (): number => {
    const n = Number(arg);
    if (!Number.isFinite(n) || n < 0) throw new Error(`behaviour ${spec}: bad number`);
    return n;
  };
  switch (name) {
    case 'echo':
    case 'idle':
    case 'garbage':
    case 'hangup':
      return { kind: name };
    case 'close-after':
      return { kind: 'close-after', ms: num() };
    case 'slow':
      return { kind: 'slow', ms: num() };
    case 'status':
      return { kind: 'status', code: num() };
    default:
      throw new Error(`unknown behaviour ${spec}`);
  }
}

export function wsAccept(key: string): string {
  return crypto.createHash('sha1').update(key + WS_GUID).digest('base64');
}

export interface BackendEvent {
  t: number; // ms since backend start
  remotePort: number;
  what: string;
}

export interface BackendOptions {
  behaviour: Behaviour | string;
  /** Port to listen on; 0 (default) = ephemeral. */
  port?: number;
  name?: string;
  upgradeWithoutConnection?: 'reject' | 'accept' | 'plain';
  /** Hard cap: the server closes itself (abruptly) after this many ms. Default 60 s. */
  maxLifetimeMs?: number;
}

export interface Backend {
  name: string;
  port: number;
  behaviour: Behaviour;
  events: BackendEvent[];
  /** Number of requests seen, by kind. */
  stats: { connections: number; upgrades: number; plain: number; checks: number };
  /** Graceful: stop listening, FIN every open socket. */
  close(): Promise<void>;
  /** Abrupt: stop listening, RST every open socket (simulates a crash). */
  kill(): Promise<void>;
  readonly alive: boolean;
}

interface ParsedRequest {
  method: string;
  path: string;
  version: string;
  headers: Map<string, string>; // lower-case names, values joined with ", "
  raw: string;
}

function parseHead(head: string): ParsedRequest | null {
  const lines = head.split('\r\n');
  const first = lines.shift() ?? '';
  const m = /^([A-Z]+) (\S+) (HTTP\/1\.[01])$/.exec(first);
  if (!m) return null;
  const headers = new Map<string, string>();
  for (const l of lines) {
    const i = l.indexOf(':');
    if (i <= 0) continue;
    const k = l.slice(0, i).trim().toLowerCase();
    const v = l.slice(i + 1).trim();
    headers.set(k, headers.has(k) ? `${headers.get(k)}, ${v}` : v);
  }
  return { method: m[1]!, path: m[2]!, version: m[3]!, headers, raw: head };
}

const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  426: 'Upgrade Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function httpResponse(code: number, body: string, extra: string[] = [], close = false): string {
  const reason = REASONS[code] ?? 'Status';
  return [
    `HTTP/1.1 ${code} ${reason}`,
    'Content-Type: text/plain',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...(close ? ['Connection: close'] : []),
    ...extra,
    '',
    body,
  ].join('\r\n');
}

/** Encode one unmasked server->client frame. */
export function encodeFrame(opcode: number, payload: Buffer, mask = false): Buffer {
  const len = payload.length;
  let header: Buffer;
  if (len < 126) {
    header = Buffer.from([0x80 | opcode, (mask ? 0x80 : 0) | len]);
  } else if (len < 65536) {
    header = Buffer.alloc(4);
    header[0] = 0x80 | opcode;
    header[1] = (mask ? 0x80 : 0) | 126;
    header.writeUInt16BE(len, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = (mask ? 0x80 : 0) | 127;
    header.writeBigUInt64BE(BigInt(len), 2);
  }
  if (!mask) return Buffer.concat([header, payload]);
  const key = crypto.randomBytes(4);
  const body = Buffer.alloc(len);
  for (let i = 0; i < len; i++) body[i] = payload[i]! ^ key[i & 3]!;
  return Buffer.concat([header, key, body]);
}

export interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/** Decode as many complete frames as possible; returns frames and the unconsumed rest. */
export function decodeFrames(buf: Buffer): { frames: Frame[]; rest: Buffer } {
  const frames: Frame[] = [];
  let off = 0;
  for (let guard = 0; guard < 10_000; guard++) {
    if (buf.length - off < 2) break;
    const b0 = buf[off]!;
    const b1 = buf[off + 1]!;
    let len = b1 & 0x7f;
    let p = off + 2;
    if (len === 126) {
      if (buf.length - p < 2) break;
      len = buf.readUInt16BE(p);
      p += 2;
    } else if (len === 127) {
      if (buf.length - p < 8) break;
      len = Number(buf.readBigUInt64BE(p));
      p += 8;
    }
    const masked = (b1 & 0x80) !== 0;
    let key: Buffer | null = null;
    if (masked) {
      if (buf.length - p < 4) break;
      key = buf.subarray(p, p + 4);
      p += 4;
    }
    if (buf.length - p < len) break;
    const payload = Buffer.from(buf.subarray(p, p + len));
    if (key) for (let i = 0; i < len; i++) payload[i] = payload[i]! ^ key[i & 3]!;
    frames.push({ fin: (b0 & 0x80) !== 0, opcode: b0 & 0x0f, payload });
    off = p + len;
  }
  return { frames, rest: buf.subarray(off) };
}

function isUpgrade(req: ParsedRequest): { upgrade: boolean; connUpgrade: boolean } {
  const up = (req.headers.get('upgrade') ?? '').toLowerCase().includes('websocket');
  const conn = (req.headers.get('connection') ?? '')
    .toLowerCase()
    .split(',')
    .map((s) => s.trim())
    .includes('upgrade');
  return { upgrade: up, connUpgrade: conn };
}

export async function startBackend(opts: BackendOptions): Promise<Backend> {
  const behaviour = typeof opts.behaviour === 'string' ? parseBehaviour(opts.behaviour) : opts.behaviour;
  const name = opts.name ?? (typeof opts.behaviour === 'string' ? opts.behaviour : behaviour.kind);
  const uwc = opts.upgradeWithoutConnection ?? 'reject';
  const t0 = Date.now();
  const events: BackendEvent[] = [];
  const stats = { connections: 0, upgrades: 0, plain: 0, checks: 0 };
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let alive = true;

  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const log = (s: net.Socket, what: string): void => {
    events.push({ t: Date.now() - t0, remotePort: s.remotePort ?? 0, what });
  };

  const server = net.createServer((sock) => {
    stats.connections++;
    sockets.add(sock);
    sock.setNoDelay(true);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {
      /* peer resets are expected in the lab */
    });
    let buf: Buffer = Buffer.alloc(0);
    let mode: 'http' | 'ws' | 'dead' = 'http';
    let busy = false; // a response is pending (slow)

    const handleWs = (): void => {
      const { frames, rest } = decodeFrames(buf);
      buf = rest;
      for (const f of frames) {
        if (f.opcode === 0x8) {
          log(sock, 'ws-close-frame');
          if (!sock.destroyed) {
            sock.write(encodeFrame(0x8, f.payload.subarray(0, 2)));
            sock.end();
          }
          mode = 'dead';
          return;
        }
        if (f.opcode === 0x9) {
          sock.write(encodeFrame(0xa, f.payload));
          continue;
        }
        if (behaviour.kind === 'echo' && (f.opcode === 0x1 || f.opcode === 0x2 || f.opcode === 0x0)) {
          sock.write(encodeFrame(f.opcode === 0 ? 0x1 : f.opcode, f.payload));
        }
      }
    };

    const answerUpgrade = (req: ParsedRequest): void => {
      const key = req.headers.get('sec-websocket-key') ?? '';
      sock.write(
        [
          'HTTP/1.1 101 Switching Protocols',
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Accept: ${wsAccept(key)}`,
          '',
          '',
        ].join('\r\n'),
      );
      mode = 'ws';
      stats.upgrades++;
      log(sock, `101 ${req.path}`);
      if (behaviour.kind === 'close-after') {
        later(behaviour.ms, () => {
          log(sock, 'close-after FIN');
          sock.end();
        });
      }
      if (buf.length) handleWs();
    };

    const respond = (req: ParsedRequest): void => {
      const { upgrade, connUpgrade } = isUpgrade(req);
      const isCheck = (req.headers.get('user-agent') ?? '').includes('HAProxy') || req.path === '/health';
      if (isCheck) stats.checks++;
      switch (behaviour.kind) {
        case 'garbage':
          log(sock, 'garbage');
          sock.write('\x00\x01garbage, not HTTP at all\r\n\r\n');
          later(50, () => sock.end());
          mode = 'dead';
          return;
        case 'hangup':
          log(sock, 'hangup');
          sock.end();
          mode = 'dead';
          return;
        case 'status':
          log(sock, `status ${behaviour.code} ${req.path}`);
          sock.write(httpResponse(behaviour.code, `status ${behaviour.code}\n`));
          return;
        default:
          break;
      }
      if (upgrade && connUpgrade) return answerUpgrade(req);
      if (upgrade && !connUpgrade) {
        if (uwc === 'accept') return answerUpgrade(req);
        if (uwc === 'reject') {
          log(sock, `400 upgrade-without-connection ${req.path}`);
          sock.write(httpResponse(400, 'missing Connection: upgrade\n'));
          return;
        }
      }
      stats.plain++;
      log(sock, `200 ${req.method} ${req.path}${isCheck ? ' (check)' : ''}`);
      const close = (req.headers.get('connection') ?? '').toLowerCase().includes('close');
      sock.write(httpResponse(200, `hello from ${name}\n`, [], close));
      if (close) sock.end();
    };

    const pump = (): void => {
      for (let guard = 0; guard < 1000 && mode === 'http' && !busy; guard++) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString('latin1');
        const req = parseHead(head);
        const cl = req ? Number(req.headers.get('content-length') ?? 0) || 0 : 0;
        if (buf.length < end + 4 + cl) return;
        buf = buf.subarray(end + 4 + cl);
        if (!req) {
          log(sock, 'unparsable request');
          sock.write(httpResponse(400, 'bad request\n', [], true));
          sock.end();
          mode = 'dead';
          return;
        }
        if (behaviour.kind === 'slow') {
          busy = true;
          log(sock, `slow ${behaviour.ms}ms ${req.path}`);
          later(behaviour.ms, () => {
            busy = false;
            if (sock.destroyed) return;
            const { upgrade, connUpgrade } = isUpgrade(req);
            if (upgrade && connUpgrade) answerUpgrade(req);
            else sock.write(httpResponse(200, `slow hello from ${name}\n`));
            pump();
          });
          return;
        }
        respond(req);
      }
    };

    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (mode === 'http') pump();
      else if (mode === 'ws') handleWs();
    });
    sock.on('end', () => {
      // Peer sent FIN: finish our side too (keeps half-closed sockets from lingering).
      if (!sock.destroyed) sock.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;

  const shutdown = async (abrupt: boolean): Promise<void> => {
    if (!alive) return;
    alive = false;
    for (const t of timers) clearTimeout(t);
    timers.clear();
    for (const s of sockets) {
      if (abrupt) s.resetAndDestroy();
      else s.end();
    }
    await new Promise<void>((r) => server.close(() => r()));
    if (!abrupt) for (const s of sockets) s.destroy();
  };
  // Bounded lifetime: nothing started here may outlive its run.
  const lifeTimer = setTimeout(() => void shutdown(true), opts.maxLifetimeMs ?? 60_000);
  lifeTimer.unref();

  return {
    name,
    port,
    behaviour,
    events,
    stats,
    get alive() {
      return alive;
    },
    close: async () => {
      clearTimeout(lifeTimer);
      await shutdown(false);
    },
    kill: async () => {
      clearTimeout(lifeTimer);
      await shutdown(true);
    },
  };
}

/** Reserve a port on 127.0.0.1 that nothing listens on (for "dead" servers / binds). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r, j) => {
    srv.once('error', j);
    srv.listen(0, '127.0.0.1', () => r());
  });
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
