/**
 * Lab clients: hand-written HTTP/1.1 + WebSocket clients that talk to HAProxy
 * on 127.0.0.1 and record what happened to them (ground truth, keyed by the
 * client's local port, which is what HAProxy logs as %cp).
 *
 * Node built-ins only. Every client has a hard time cap (maxMs) after which
 * the socket is reset, so nothing can hang.
 */
import net from 'node:net';
import tls from 'node:tls';
import crypto from 'node:crypto';
import { decodeFrames, encodeFrame, wsAccept } from './ws-backend.js';

/** Causes understood by wsdiag (see samples/README.md for the mapping used here). */
/** The cause codes are wsdiag's own (src/diagnose/advice.ts): the truth speaks the classifier's language. */
export type { Cause } from '../../../src/diagnose/advice.js';
import type { Cause } from '../../../src/diagnose/advice.js';

export interface Expected {
  /** HTTP status HAProxy logs (%ST); -1 = none / not applicable (tcp mode: null). */
  status: number | null;
  /** Exact 4-char (http) or 2-char (tcp) termination state HAProxy logged (%tsc / %ts). */
  termination: string;
  cause: Cause;
  /** For connections that only produce an error-log line (e.g. SSL handshake failures): its message. */
  errorLog?: string;
}

export type EndMode =
  /** send a WS close frame, wait for the answer + FIN, then FIN */
  | 'close-frame'
  /** plain TCP FIN (no close frame) */
  | 'fin'
  /** TCP RST (socket.resetAndDestroy) */
  | 'rst'
  /** do nothing, wait for the peer (HAProxy) to close; RST at maxMs */
  | 'wait';

export interface ClientOptions {
  port: number;
  /** Loopback only: 127.0.0.1 (default) or ::1 (a frontend bound on [::1]). */
  host?: '127.0.0.1' | '::1';
  /**
   * Source address, on loopback only (any 127.x.y.z, or ::1): lets the lab play many distinct clients, which
   * `balance source` hashes and per-client diagnoses count apart.
   */
  localAddress?: string;
  tls?: boolean;
  scenario: string;
  backend?: string;
  expected?: Expected;
  /** 'ws' = upgrade request, 'http' = plain GET, 'raw' = send rawPayload bytes. */
  kind?: 'ws' | 'http' | 'raw';
  path?: string;
  method?: string;
  omitConnectionUpgrade?: boolean;
  /** Value of a Cookie header to send (e.g. "SRV=s1"). */
  cookie?: string;
  headers?: Record<string, string>;
  /** Text frames to send after the upgrade (each expects an echo if the server echoes). */
  messages?: string[];
  /** How long to keep the tunnel idle after messages before ending (ms). */
  holdMs?: number;
  /** Keep the tunnel idle until this settles (or the peer ends it), instead of for a time: an event, not the clock. */
  holdUntil?: Promise<void>;
  end?: EndMode;
  /** Reset the connection this many ms after connect, whatever the state (client abort). */
  abortAfterMs?: number;
  /** Half-close (FIN) right after sending the request, then keep reading. */
  halfCloseAfterRequest?: boolean;
  /** Send only the first part of the request head and stall (slow client). */
  partialRequest?: boolean;
  rawPayload?: Buffer | string;
  /** Hard cap for the whole client (ms). Default 10 s. */
  maxMs?: number;
  /** Called once the response head arrived (the 101 of an upgrade), or when the connection failed before. */
  onResponse?: () => void;
  /** Reference time (Date.now() at lab start) for relative ms in events. */
  t0?: number;
}

export interface ClientEvent {
  t: number; // ms since t0
  what: string;
}

export interface ClientObserved {
  status: number | null;
  reason?: string;
  headers: Record<string, string>;
  setCookie?: string;
  upgraded: boolean;
  acceptOk?: boolean;
  echoed: number;
  /** Who ended the connection: client (FIN/close frame), client-rst, server (FIN), server-rst, cap. */
  closedBy: 'client' | 'client-rst' | 'server' | 'server-rst' | 'cap' | 'error';
  error?: string;
  events: ClientEvent[];
}

export interface Truth {
  clientPort: number;
  /** The client's source address as HAProxy logs it (%ci), when the lab chose one (localAddress, ::1). */
  clientIp?: string;
  scenario: string;
  backend: string;
  expected: Expected;
  observed: ClientObserved;
  /** ms since lab start */
  startMs: number;
  endMs: number;
  /** What the client sent (absent for raw clients): method, path and the Upgrade/Connection headers (null = not sent). */
  request?: { method: string; path: string; upgrade: string | null; connection: string | null; partial: boolean };
}

/** RST if the platform lets us (plain TCP), else a plain destroy. */
export function hardReset(s: net.Socket): void {
  try {
    s.resetAndDestroy();
  } catch {
    s.destroy();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runClient(o: ClientOptions): Promise<Truth> {
  if (o.host && o.host !== '127.0.0.1' && o.host !== '::1') throw new Error('lab clients only talk to loopback');
  if (o.localAddress !== undefined && !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$|^::1$/.test(o.localAddress)) throw new Error('lab clients only use loopback source addresses');
  const t0 = o.t0 ?? Date.now();
  const now = (): number => Date.now() - t0;
  const kind = o.kind ?? 'ws';
  const maxMs = o.maxMs ?? 10_000;
  const events: ClientEvent[] = [];
  const ev = (what: string): void => {
    events.push({ t: now(), what });
  };
  const observed: ClientObserved = {
    status: null,
    headers: {},
    upgraded: false,
    echoed: 0,
    closedBy: 'cap',
    events,
  };
  const startMs = now();
  let clientPort = 0;
  let closedBySet = false;
  const setClosedBy = (c: ClientObserved['closedBy']): void => {
    if (closedBySet) return;
    closedBySet = true;
    observed.closedBy = c;
  };

  // For TLS the TCP socket is kept so that an abort can really send a RST
  // (resetAndDestroy() is not available on the TLS wrapper).
  const raw = net.connect({ host: o.host ?? '127.0.0.1', port: o.port, ...(o.localAddress ? { localAddress: o.localAddress } : {}) });
  raw.on('error', () => undefined);
  const sock: net.Socket = o.tls
    ? tls.connect({ socket: raw, rejectUnauthorized: false, servername: 'localhost' })
    : raw;
  sock.setNoDelay(true);

  let buf: Buffer = Buffer.alloc(0);
  let headDone = false;
  let finished = false;
  let weEnded = false;
  let peerEnded = false;
  const waiters: Array<() => void> = [];
  const wake = (): void => {
    for (const w of waiters.splice(0)) w();
  };
  /** wait until pred() or timeout; returns pred() */
  const waitFor = async (pred: () => boolean, ms: number): Promise<boolean> => {
    const deadline = Date.now() + ms;
    while (!pred() && !finished && Date.now() < deadline) {
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.max(1, deadline - Date.now()));
        waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
    return pred();
  };

  const done = new Promise<void>((resolve) => {
    sock.on('close', (hadError) => {
      if (!finished) {
        finished = true;
        if (!closedBySet) {
          if (weEnded) setClosedBy('client');
          else setClosedBy(hadError ? 'server-rst' : 'server');
        }
        ev(`closed${hadError ? ' (error)' : ''}`);
      }
      wake();
      resolve();
    });
  });
  sock.on('error', (e: NodeJS.ErrnoException) => {
    observed.error = e.code ?? e.message;
    ev(`error ${observed.error}`);
    if (!weEnded && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) setClosedBy('server-rst');
  });
  sock.on('end', () => {
    peerEnded = true;
    ev('peer FIN');
    if (!weEnded) setClosedBy('server');
    wake();
  });

  const cap = setTimeout(() => {
    if (!finished) {
      ev('cap reached: RST');
      setClosedBy('cap');
      weEnded = true;
      hardReset(raw);
      sock.destroy();
    }
  }, maxMs);
  let abortTimer: NodeJS.Timeout | undefined;

  const rst = (why: string): void => {
    if (finished || sock.destroyed) return;
    ev(`client RST (${why})`);
    weEnded = true;
    setClosedBy('client-rst');
    hardReset(raw);
    sock.destroy();
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const ok = (): void => {
        clientPort = raw.localPort ?? 0;
        ev(`connected from port ${clientPort}`);
        resolve();
      };
      if (o.tls) (sock as tls.TLSSocket).once('secureConnect', ok);
      else sock.once('connect', ok);
      sock.once('error', reject);
      sock.once('close', () => reject(new Error('closed before connect')));
    });
  } catch (e) {
    clearTimeout(cap);
    closedBySet = false;
    setClosedBy('error');
    observed.error ??= (e as Error).message;
    clientPort ||= raw.localPort ?? 0;
    await Promise.race([done, sleep(100)]);
    return finish();
  }

  if (o.abortAfterMs !== undefined) abortTimer = setTimeout(() => rst(`abortAfterMs=${o.abortAfterMs}`), o.abortAfterMs);

  const key = crypto.randomBytes(16).toString('base64');
  sock.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    if (!headDone) {
      const end = buf.indexOf('\r\n\r\n');
      if (end >= 0) {
        headDone = true;
        const head = buf.subarray(0, end).toString('latin1');
        buf = buf.subarray(end + 4);
        const lines = head.split('\r\n');
        const m = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(lines[0] ?? '');
        observed.status = m ? Number(m[1]) : null;
        if (m?.[2]) observed.reason = m[2];
        for (const l of lines.slice(1)) {
          const i = l.indexOf(':');
          if (i <= 0) continue;
          const k = l.slice(0, i).trim().toLowerCase();
          const v = l.slice(i + 1).trim();
          observed.headers[k] = observed.headers[k] ? `${observed.headers[k]}, ${v}` : v;
          if (k === 'set-cookie') observed.setCookie = v.split(';')[0];
        }
        ev(`response ${observed.status ?? '?'}`);
        o.onResponse?.();
        if (observed.status === 101) {
          observed.upgraded = true;
          observed.acceptOk = observed.headers['sec-websocket-accept'] === wsAccept(key);
        }
      }
    }
    if (headDone && observed.upgraded && buf.length) {
      const { frames, rest } = decodeFrames(buf);
      buf = rest;
      for (const f of frames) {
        if (f.opcode === 0x1 || f.opcode === 0x2) observed.echoed++;
        if (f.opcode === 0x8) ev('ws close frame received');
      }
    }
    wake();
  });

  // ---- send the request ----
  const hdrs: string[] = [];
  const path = o.path ?? '/';
  if (kind === 'raw') {
    ev('send raw bytes');
    sock.write(o.rawPayload ?? '');
  } else {
    hdrs.push(`${o.method ?? 'GET'} ${path} HTTP/1.1`, 'Host: localhost');
    if (kind === 'ws') {
      hdrs.push('Upgrade: websocket');
      if (!o.omitConnectionUpgrade) hdrs.push('Connection: Upgrade');
      hdrs.push(`Sec-WebSocket-Key: ${key}`, 'Sec-WebSocket-Version: 13');
    } else {
      hdrs.push('Connection: close');
    }
    if (o.cookie) hdrs.push(`Cookie: ${o.cookie}`);
    for (const [k, v] of Object.entries(o.headers ?? {})) hdrs.push(`${k}: ${v}`);
    const text = hdrs.join('\r\n') + '\r\n\r\n';
    if (o.partialRequest) {
      ev('send partial request head');
      sock.write(text.slice(0, Math.floor(text.length / 2)));
    } else {
      ev(`send ${kind === 'ws' ? 'upgrade' : 'GET'} ${path}`);
      sock.write(text);
    }
  }
  if (o.halfCloseAfterRequest) {
    ev('client half-close (FIN) after request');
    sock.end();
  }

  // ---- conversation ----
  const endMode: EndMode = o.end ?? (kind === 'ws' ? 'close-frame' : 'fin');
  if (kind !== 'raw' && !o.partialRequest) {
    await waitFor(() => headDone || peerEnded, maxMs);
  }
  if (observed.upgraded && !finished) {
    for (const msg of o.messages ?? []) {
      if (finished || peerEnded) break;
      const want = observed.echoed + 1;
      sock.write(encodeFrame(0x1, Buffer.from(msg), true));
      ev(`sent frame (${msg.length} bytes)`);
      await waitFor(() => observed.echoed >= want || peerEnded, 1000);
    }
  } else if (headDone && !finished && kind !== 'raw') {
    // plain response: let the body arrive (HAProxy closes after errors)
    await waitFor(() => peerEnded, 300);
  }
  if (o.holdMs && !finished) {
    ev(`hold ${o.holdMs}ms`);
    await waitFor(() => peerEnded, o.holdMs);
  }
  if (o.holdUntil && !finished) {
    ev('hold until released');
    let released = false;
    void o.holdUntil.then(() => {
      released = true;
      wake();
    });
    await waitFor(() => peerEnded || released, o.maxMs ?? 15_000);
  }

  if (!finished && !peerEnded) {
    switch (endMode) {
      case 'close-frame':
        if (observed.upgraded) {
          ev('send close frame');
          sock.write(encodeFrame(0x8, Buffer.from([0x03, 0xe8]), true));
          await waitFor(() => peerEnded, 1000);
        }
        weEnded = true;
        sock.end();
        break;
      case 'fin':
        ev('client FIN');
        weEnded = true;
        sock.end();
        break;
      case 'rst':
        rst('end=rst');
        break;
      case 'wait':
        ev('waiting for peer close');
        await waitFor(() => peerEnded, maxMs);
        break;
    }
  } else if (peerEnded && !finished) {
    // peer closed first: close our side politely
    sock.end();
  }
  await Promise.race([done, sleep(Math.max(0, maxMs - (now() - startMs)))]);
  if (!finished) rst('not closed in time');
  await Promise.race([done, sleep(200)]);
  return finish();

  function finish(): Truth {
    o.onResponse?.();
    clearTimeout(cap);
    if (abortTimer) clearTimeout(abortTimer);
    return {
      clientPort,
      ...(o.localAddress || o.host === '::1' ? { clientIp: o.localAddress ?? '::1' } : {}),
      scenario: o.scenario,
      backend: o.backend ?? '',
      expected: o.expected ?? { status: null, termination: '????', cause: 'ok' },
      observed,
      startMs,
      endMs: now(),
      ...(kind === 'raw'
        ? {}
        : {
            request: {
              method: o.method ?? 'GET',
              path: o.path ?? '/',
              upgrade: kind === 'ws' ? 'websocket' : null,
              connection: kind === 'ws' ? (o.omitConnectionUpgrade ? null : 'Upgrade') : 'close',
              partial: o.partialRequest ?? false,
            },
          }),
    };
  }
}
