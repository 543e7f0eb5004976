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

export interface LintOptions {
  /**
   * Only the backends given as `upgraded` count as WebSocket backends, not those the configuration points at:
   * what `analyze` does, so that its configuration section speaks of the backends the logs show upgrading.
   */
  readonly onlyThese?: boolean;
  /**
   * Backends that received upgrade requests without completing one: their health check is still worth checking
   * (a check that gets 101 is exactly what keeps them from upgrading), their tunnel settings not yet.
   */
  readonly requested?: Iterable<string>;
}

/**
 * `upgraded`: backends that logs show upgrading, added to those the configuration itself points at (or, with
 * `onlyThese`, instead of them).
 */
export function lintConfig(config: HaproxyConfig, upgraded: Iterable<string> = [], options: LintOptions = {}): LintFinding[] {
  const findings: LintFinding[] = [];
  const ws = options.onlyThese ? new Set<string>() : websocketBackends(config);
  for (const name of upgraded) ws.add(name);
  const requested = new Set(options.requested ?? []);
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
    if (check && p.servers.some((s) => s.check) && (!options.onlyThese || isWs || requested.has(p.name))) {
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
    if (p.cookie && p.servers.length > 1 && !p.options['redispatch']?.enabled && (!options.onlyThese || isWs || requested.has(p.name))) {
      add({
        rule: 'cookie-without-redispatch', severity: 'warning', proxy: p.name, where: p.cookie.where,
        message: `cookie persistence on ${p.name} without \`option redispatch\``,
        why: 'A client whose cookie names a DOWN server keeps being sent to it and fails until the cookie expires, instead of being redispatched (termination flags `--DI` with redispatch).',
        fix: `Add \`option redispatch\` to ${p.name} or its defaults.`,
      });
    }
  }

  // h2 on a bind whose traffic reaches WebSocket backends: clients that negotiate h2 carry WebSockets over HTTP/2
  // (RFC 8441, which HAProxy supports since 2.4); only clients without it need HTTP/1.1 offered too.
  for (const fe of config.proxies) {
    if (fe.kind !== 'frontend' && fe.kind !== 'listen') continue;
    const reaches = new Set([...fe.useBackends.map((r) => r.backend), ...(fe.defaultBackend ? [fe.defaultBackend] : []), ...(fe.kind === 'listen' ? [fe.name] : [])]);
    const wsReached = [...reaches].filter((b) => ws.has(b) && byName.get(b)?.mode !== 'tcp');
    if (wsReached.length === 0) continue;
    for (const bind of fe.binds) {
      if (bind.alpn && /(^|,)h2(,|$)/.test(bind.alpn)) {
        const h1 = /(^|,)http\/1\.1(,|$)/.test(bind.alpn);
        add({
          rule: 'h2-on-websocket-bind', severity: 'info', proxy: fe.name, where: bind.where,
          message: `bind ${bind.address} of ${fe.name} offers \`alpn ${bind.alpn}\` and routes to WebSocket backend(s) ${wsReached.join(', ')}`,
          why: h1
            ? 'Clients that negotiate h2 carry WebSockets over HTTP/2 (RFC 8441 extended CONNECT, supported by HAProxy since 2.4); clients without it fall back to HTTP/1.1, which this bind offers.'
            : 'Clients that negotiate h2 carry WebSockets over HTTP/2 (RFC 8441 extended CONNECT, supported by HAProxy since 2.4); clients without it can only fall back to HTTP/1.1 if the bind offers it, and this one does not.',
          fix: h1
            ? 'Nothing to change for WebSockets; over HTTP/2 they are logged `GET https://host/path HTTP/2.0` with status 101.'
            : 'Add http/1.1 to the ALPN list (`alpn h2,http/1.1`) so that clients without RFC 8441 can still upgrade.',
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
