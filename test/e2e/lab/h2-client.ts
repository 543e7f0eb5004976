/**
 * A WebSocket client over HTTP/2 (RFC 8441): one TLS connection, h2 by ALPN, one extended CONNECT stream
 * (`:method CONNECT`, `:protocol websocket`) once the server's SETTINGS allow it. Records the same Truth as
 * ws-client.ts, keyed by the client's local port (HAProxy's %cp).
 */
import http2 from 'node:http2';
import { decodeFrames, encodeFrame } from './ws-backend.js';
import type { ClientEvent, ClientObserved, Expected, Truth } from './ws-client.js';

export interface H2ClientOptions {
  port: number;
  scenario: string;
  backend: string;
  expected: Expected;
  path: string;
  /** Text frames to send once the stream is open (each waits for its echo). */
  messages?: string[];
  /** How long to keep the stream open after the messages. */
  holdMs?: number;
  maxMs?: number;
  t0?: number;
}

export async function runH2Client(o: H2ClientOptions): Promise<Truth> {
  const t0 = o.t0 ?? Date.now();
  const now = (): number => Date.now() - t0;
  const events: ClientEvent[] = [];
  const ev = (what: string): void => void events.push({ t: now(), what });
  const observed: ClientObserved = { status: null, headers: {}, upgraded: false, echoed: 0, closedBy: 'cap', events };
  const startMs = now();
  let clientPort = 0;
  const session = http2.connect(`https://localhost:${o.port}`, { rejectUnauthorized: false, servername: 'localhost' });
  session.on('error', (e) => {
    observed.error = (e as NodeJS.ErrnoException).code ?? e.message;
    ev(`session error ${observed.error}`);
  });
  const cap = setTimeout(() => session.destroy(), o.maxMs ?? 10_000);
  try {
    await new Promise<void>((resolve, reject) => {
      session.once('remoteSettings', (settings) => {
        clientPort = session.socket?.localPort ?? 0;
        ev(`connected from port ${clientPort}, enableConnectProtocol=${settings.enableConnectProtocol}`);
        if (settings.enableConnectProtocol) resolve();
        else reject(new Error('server does not allow extended CONNECT (RFC 8441)'));
      });
      session.once('error', reject);
    });
    const stream = session.request({
      ':method': 'CONNECT',
      ':protocol': 'websocket',
      ':scheme': 'https',
      ':path': o.path,
      ':authority': 'localhost',
      'sec-websocket-version': '13',
    });
    let buf: Buffer = Buffer.alloc(0);
    const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
    let wake: (() => void) | null = null;
    stream.on('response', (headers) => {
      observed.status = Number(headers[':status']);
      ev(`response ${observed.status}`);
      observed.upgraded = observed.status === 200;
      wake?.();
    });
    stream.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const { frames, rest } = decodeFrames(buf);
      buf = rest;
      for (const f of frames) if (f.opcode === 0x1 || f.opcode === 0x2) observed.echoed++;
      wake?.();
    });
    stream.on('error', () => undefined);
    const until = (pred: () => boolean): Promise<void> =>
      new Promise((resolve) => {
        const check = (): void => {
          if (pred()) resolve();
          else wake = check;
        };
        check();
        void closed.then(resolve);
      });
    await until(() => observed.status !== null);
    if (observed.upgraded) {
      for (const msg of o.messages ?? []) {
        const want = observed.echoed + 1;
        stream.write(encodeFrame(0x1, Buffer.from(msg), true));
        ev(`sent frame (${msg.length} bytes)`);
        await until(() => observed.echoed >= want);
      }
      if (o.holdMs) await Promise.race([closed, new Promise((r) => setTimeout(r, o.holdMs))]);
      // A close frame, then the end of the stream: a clean close.
      stream.end(encodeFrame(0x8, Buffer.from([0x03, 0xe8]), true));
      observed.closedBy = 'client';
    }
    await closed;
    ev('stream closed');
  } catch (e) {
    observed.closedBy = 'error';
    observed.error ??= (e as Error).message;
  } finally {
    clearTimeout(cap);
    await new Promise<void>((resolve) => session.close(() => resolve()));
  }
  return {
    clientPort,
    scenario: o.scenario,
    backend: o.backend,
    expected: o.expected,
    observed,
    startMs,
    endMs: now(),
    request: { method: 'CONNECT', path: o.path, upgrade: 'websocket', connection: null, partial: false },
  };
}
