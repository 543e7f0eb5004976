/**
 * WebSocket pitfalls in a haproxy.cfg, each with where it is, why it hurts and the fix. Pure.
 */
import type { HaproxyConfig, Proxy, Where } from './read-config.js';

export interface LintFinding {
  readonly rule: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly proxy: string;
  readonly where: Where;
  readonly message: string;
  readonly why: string;
  readonly fix: string;
}

const WS_HINT = /(^|[^a-z])(ws|wss|websockets?|socket\.io|sockjs|cable|realtime)([^a-z]|$)/i;

/** Backends that receive WebSocket upgrades: routed on an Upgrade header or a WebSocket-looking path, or so named. */
export function websocketBackends(config: HaproxyConfig): Set<string> {
  const names = new Set<string>();
  for (const p of config.proxies) {
    for (const route of p.useBackends) {
      if (/upgrade|websocket/i.test(route.condition) || WS_HINT.test(route.condition)) names.add(route.backend);
    }
    if ((p.kind === 'backend' || p.kind === 'listen') && WS_HINT.test(p.name)) names.add(p.name);
  }
  return names;
}

const DAY_MS = 86_400_000;

/**
 * `upgraded`: backends that logs show answering 101, added to those the configuration itself points at.
 */
export function lintConfig(config: HaproxyConfig, upgraded: Iterable<string> = []): LintFinding[] {
  const findings: LintFinding[] = [];
  const ws = websocketBackends(config);
  for (const name of upgraded) ws.add(name);
  const byName = new Map(config.proxies.map((p) => [p.name, p] as const));
  const add = (f: LintFinding): void => void findings.push(f);

  for (const p of config.proxies) {
    if (p.kind === 'defaults' || p.kind === 'frontend') continue;
    const isWs = ws.has(p.name);
    if (isWs && p.mode !== 'tcp') {
      const tunnel = p.timeouts.tunnel;
      if (!tunnel) {
        const client = p.timeouts.client;
        const server = p.timeouts.server;
        const cut = [client && `timeout client ${client.text}`, server && `timeout server ${server.text}`].filter(Boolean).join(' / ');
        add({
          rule: 'no-timeout-tunnel', severity: 'error', proxy: p.name, where: p.where,
          message: `backend ${p.name} receives WebSocket upgrades but has no \`timeout tunnel\``,
          why: `Once upgraded, an idle WebSocket is closed by ${cut || 'timeout client/server'}, the smaller wins: disconnects at a fixed interval.`,
          fix: `Add \`timeout tunnel 1h\` (longer than the clients' ping interval) to backend ${p.name} or its defaults.`,
        });
      } else if (tunnel.ms > DAY_MS) {
        add({
          rule: 'timeout-tunnel-too-large', severity: 'info', proxy: p.name, where: tunnel.where,
          message: `\`timeout tunnel ${tunnel.text}\` on ${p.name} is over a day`,
          why: 'Dead clients (network gone without a FIN) hold their tunnel, a server slot and memory until it expires: they pile up.',
          fix: 'Use ~1h and make clients send pings; or keep it large only if clients reconnect rarely and the backend reaps dead peers.',
        });
      }
      for (const option of ['http-server-close', 'httpclose']) {
        const o = p.options[option];
        if (o?.enabled) {
          add({
            rule: 'close-option-on-websocket', severity: 'warning', proxy: p.name, where: o.where,
            message: `\`option ${option}\` on WebSocket backend ${p.name}`,
            why: 'It exists for request/response keep-alive handling; on a backend that upgrades it is at best useless and with old versions breaks the tunnel.',
            fix: `Remove \`option ${option}\` from ${p.name} (HAProxy handles upgrades in its default keep-alive mode).`,
          });
        }
      }
      if (!p.options['forwardfor']?.enabled) {
        add({
          rule: 'no-forwardfor', severity: 'info', proxy: p.name, where: p.where,
          message: `no \`option forwardfor\` on ${p.name}`,
          why: 'The WebSocket server sees HAProxy as the client: per-client limits, logs and sticky logic in the application break.',
          fix: `Add \`option forwardfor\` to ${p.name} or its defaults if the application needs the client address.`,
        });
      }
    }
    const check = p.httpCheck;
    if (check && p.servers.some((s) => s.check)) {
      const sendsUpgrade = check.headers.some((h) => /^upgrade\s*:/i.test(h));
      const wsPath = check.uri !== null && WS_HINT.test(check.uri);
      const expects101 = check.expect !== null && /\b101\b/.test(check.expect);
      if ((sendsUpgrade || wsPath) && !expects101) {
        add({
          rule: 'health-check-on-websocket-endpoint', severity: 'error', proxy: p.name, where: check.where,
          message: `the health check of ${p.name} ${sendsUpgrade ? 'sends an Upgrade request' : `checks WebSocket path ${check.uri}`} but expects ${check.expect ?? 'a 2xx/3xx status'}`,
          why: 'A WebSocket endpoint answers 101 Switching Protocols (or 400/426 without the headers): the check fails with "Layer7 wrong status", the servers go DOWN and clients get 503.',
          fix: 'Check a plain HTTP health URL (`option httpchk GET /health`), or `http-check expect status 101` if the WebSocket endpoint itself must be checked.',
        });
      }
    }
    if (p.cookie && p.servers.length > 1 && !p.options['redispatch']?.enabled) {
      add({
        rule: 'cookie-without-redispatch', severity: 'warning', proxy: p.name, where: p.cookie.where,
        message: `cookie persistence on ${p.name} without \`option redispatch\``,
        why: 'A client whose cookie names a DOWN server keeps being sent to it and fails until the cookie expires, instead of being redispatched (termination flags `--DI` with redispatch).',
        fix: `Add \`option redispatch\` to ${p.name} or its defaults.`,
      });
    }
  }

  // h2 on a bind whose traffic reaches WebSocket backends: browsers then try WebSockets over HTTP/2 (RFC 8441).
  for (const fe of config.proxies) {
    if (fe.kind !== 'frontend' && fe.kind !== 'listen') continue;
    const reaches = new Set([...fe.useBackends.map((r) => r.backend), ...(fe.defaultBackend ? [fe.defaultBackend] : []), ...(fe.kind === 'listen' ? [fe.name] : [])]);
    const wsReached = [...reaches].filter((b) => ws.has(b) && byName.get(b)?.mode !== 'tcp');
    if (wsReached.length === 0) continue;
    for (const bind of fe.binds) {
      if (bind.alpn && /(^|,)h2(,|$)/.test(bind.alpn)) {
        add({
          rule: 'h2-on-websocket-bind', severity: 'warning', proxy: fe.name, where: bind.where,
          message: `bind ${bind.address} of ${fe.name} offers \`alpn ${bind.alpn}\` and routes to WebSocket backend(s) ${wsReached.join(', ')}`,
          why: 'Clients that negotiate h2 must use RFC 8441 extended CONNECT for WebSockets; clients and middleboxes that do not support it fail to upgrade.',
          fix: 'Serve WebSockets on a bind with `alpn http/1.1`, or make sure every client and backend supports WebSockets over HTTP/2.',
        });
      }
    }
  }
  const order = { error: 0, warning: 1, info: 2 } as const;
  return findings.sort((a, b) => order[a.severity] - order[b.severity] || a.where.line - b.where.line);
}

/** For diagnoses: the proxies as a lookup. */
export function proxyByName(config: HaproxyConfig): Map<string, Proxy> {
  return new Map(config.proxies.map((p) => [p.name, p] as const));
}
