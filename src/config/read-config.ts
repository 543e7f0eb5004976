/**
 * haproxy.cfg → proxies, their timeouts (with HAProxy's units and where each was set), log formats,
 * captures, variables, cookies, persistence, checks, binds, routing and servers. Pure: text in, data out.
 * Defaults inheritance follows HAProxy 2.6: a proxy takes the last `defaults` section above it, or the
 * named one it says `from`; a named `defaults` may itself inherit `from` another.
 */
import { tokenize } from '../parse/config-words.js';
import { httplog } from '../parse/formats/httplog.js';
import { clf } from '../parse/formats/clf.js';
import { tcplog } from '../parse/formats/tcplog.js';
import { httpslog } from '../parse/formats/httpslog.js';
import { parseDuration } from '../text/duration.js';

export { tokenize };

export interface Where {
  readonly file: string;
  readonly line: number;
}

export const TIMEOUT_NAMES = [
  'tunnel', 'client', 'server', 'connect', 'http-request', 'http-keep-alive', 'queue', 'client-fin', 'server-fin', 'tarpit', 'check',
] as const;
export type TimeoutName = (typeof TIMEOUT_NAMES)[number];

export interface Timeout {
  readonly ms: number;
  /** As written (`30s`). */
  readonly text: string;
  readonly where: Where;
  /** Section it was set in: the proxy itself or a defaults section. */
  readonly from: string;
}

export interface LogFormatSetting {
  readonly kind: 'httplog' | 'clf' | 'tcplog' | 'httpslog' | 'custom';
  readonly logFormat: string;
  readonly where: Where;
}

export interface Server {
  readonly name: string;
  readonly address: string;
  readonly check: boolean;
  readonly backup: boolean;
  readonly cookie: string | null;
  readonly maxconn: number | null;
  readonly where: Where;
}

export interface Proxy {
  readonly kind: 'frontend' | 'backend' | 'listen' | 'defaults';
  readonly name: string;
  readonly where: Where;
  mode: 'http' | 'tcp' | null;
  timeouts: Partial<Record<TimeoutName, Timeout>>;
  logFormat: LogFormatSetting | null;
  /** `option X` / `no option X`, with where. */
  options: Record<string, { enabled: boolean; where: Where }>;
  balance: { algorithm: string; where: Where } | null;
  hashType: string | null;
  cookie: { name: string; mode: string; flags: string[]; where: Where } | null;
  stickTable: { text: string; where: Where } | null;
  stickOn: { text: string; where: Where }[];
  httpCheck: { method: string | null; uri: string | null; headers: string[]; expect: string | null; where: Where } | null;
  captures: { request: { header: string; len: number }[]; response: { header: string; len: number }[] };
  /** `http-request set-var(txn.upg) req.hdr(Upgrade)` → { 'txn.upg': 'req.hdr(Upgrade)' }. */
  variables: Record<string, { expr: string; where: Where }>;
  binds: { address: string; ssl: boolean; alpn: string | null; where: Where }[];
  useBackends: { backend: string; condition: string; where: Where }[];
  defaultBackend: string | null;
  servers: Server[];
  /** Name of the defaults section this proxy inherited from. */
  inherits: string | null;
}

export interface HaproxyConfig {
  readonly file: string;
  readonly proxies: readonly Proxy[];
  readonly warnings: readonly string[];
}

/** A timeout: wsdiag's one duration grammar, where a bare number is milliseconds as HAProxy reads it. */
export function parseTime(text: string): number | null {
  return parseDuration(text, 'ms');
}


function emptyProxy(kind: Proxy['kind'], name: string, where: Where): Proxy {
  return {
    kind, name, where, mode: null, timeouts: {}, logFormat: null, options: {}, balance: null, hashType: null, cookie: null,
    stickTable: null, stickOn: [], httpCheck: null, captures: { request: [], response: [] }, variables: {}, binds: [],
    useBackends: [], defaultBackend: null, servers: [], inherits: null,
  };
}

const SECTION_KEYWORDS = new Set(['global', 'defaults', 'frontend', 'backend', 'listen', 'resolvers', 'peers', 'userlist', 'program', 'http-errors', 'ring', 'cache', 'mailers']);
const STOCK_LOG_FORMATS = { httplog, clf, tcplog, httpslog } as const;

/** Applies one line of a proxy or defaults section. */
function applyLine(proxy: Proxy, words: string[], where: Where, raw: string, warnings: string[]): void {
  const [kw, a, b] = words;
  const at = `${where.file}:${where.line}`;
  switch (kw) {
    case 'mode':
      if (a === 'http' || a === 'tcp') proxy.mode = a;
      return;
    case 'timeout': {
      const ms = b !== undefined ? parseTime(b) : null;
      if (!a || ms === null) warnings.push(`${at}: cannot read '${words.join(' ')}'`);
      else if ((TIMEOUT_NAMES as readonly string[]).includes(a)) proxy.timeouts[a as TimeoutName] = { ms, text: b!, where, from: proxy.name };
      return;
    }
    case 'option':
    case 'no': {
      const enabled = kw === 'option';
      const name = kw === 'no' ? (a === 'option' ? b : undefined) : a;
      if (!name) return;
      proxy.options[name] = { enabled, where };
      if (enabled && (name === 'httplog' || name === 'tcplog' || name === 'httpslog')) {
        const kind = name === 'httplog' && b === 'clf' ? 'clf' : name;
        proxy.logFormat = { kind, logFormat: STOCK_LOG_FORMATS[kind].logFormat, where };
      }
      if (enabled && name === 'httpchk') {
        // `option httpchk [METHOD] [URI] [VERSION]` (the 2.6 form; headers go in http-check send).
        const args = words.slice(2);
        proxy.httpCheck = { method: args.length > 1 ? args[0]! : 'OPTIONS', uri: args.length > 1 ? args[1]! : (args[0] ?? '/'), headers: [], expect: proxy.httpCheck?.expect ?? null, where };
      }
      return;
    }
    case 'log-format': {
      // The rest of the line as written, with HAProxy's quoting removed.
      proxy.logFormat = { kind: 'custom', logFormat: words.slice(1).join(' '), where };
      return;
    }
    case 'balance':
      if (a) proxy.balance = { algorithm: words.slice(1).join(' '), where };
      return;
    case 'hash-type':
      proxy.hashType = words.slice(1).join(' ') || null;
      return;
    case 'cookie':
      if (a) proxy.cookie = { name: a, mode: words.find((w) => ['insert', 'rewrite', 'prefix'].includes(w)) ?? 'rewrite', flags: words.slice(2), where };
      return;
    case 'stick-table':
      proxy.stickTable = { text: words.slice(1).join(' '), where };
      return;
    case 'stick':
      if (a === 'on' || a === 'match' || a === 'store-request') proxy.stickOn.push({ text: words.slice(1).join(' '), where });
      return;
    case 'http-check': {
      const check = proxy.httpCheck ?? { method: null, uri: null, headers: [], expect: null, where };
      if (a === 'send') {
        for (let i = 2; i < words.length; i++) {
          if (words[i] === 'meth') check.method = words[++i] ?? null;
          else if (words[i] === 'uri') check.uri = words[++i] ?? null;
          else if (words[i] === 'hdr') check.headers.push(`${words[++i] ?? ''}: ${words[++i] ?? ''}`);
        }
      } else if (a === 'expect') check.expect = words.slice(2).join(' ');
      proxy.httpCheck = check;
      return;
    }
    case 'capture': {
      if (words[2] !== 'header' && !(a === 'request' || a === 'response')) return;
      const header = words[3];
      const lenAt = words.indexOf('len');
      if ((a === 'request' || a === 'response') && words[2] === 'header' && header) {
        proxy.captures[a].push({ header, len: Number(words[lenAt + 1] ?? 0) });
      }
      return;
    }
    case 'http-request':
    case 'tcp-request': {
      const setVar = /^set-var\(([^)]+)\)$/.exec(a ?? '');
      if (setVar?.[1]) {
        const rest = words.slice(2);
        const cond = rest.findIndex((w) => w === 'if' || w === 'unless');
        proxy.variables[setVar[1]] = { expr: (cond < 0 ? rest : rest.slice(0, cond)).join(' '), where };
      }
      if (a === 'capture' && b) {
        // `http-request capture <sample> len <n>` adds a request capture slot in declaration order.
        const lenAt = words.indexOf('len');
        const header = /^req\.f?hdr\(([^)]+)\)/.exec(b)?.[1] ?? b;
        proxy.captures.request.push({ header, len: Number(words[lenAt + 1] ?? 0) });
      }
      return;
    }
    case 'bind': {
      const alpnAt = words.indexOf('alpn');
      proxy.binds.push({ address: a ?? '', ssl: words.includes('ssl'), alpn: alpnAt > 0 ? (words[alpnAt + 1] ?? null) : null, where });
      return;
    }
    case 'use_backend':
      if (a) proxy.useBackends.push({ backend: a, condition: raw.trim().slice(raw.trim().indexOf(a) + a.length).trim(), where });
      return;
    case 'default_backend':
      proxy.defaultBackend = a ?? null;
      return;
    case 'server': {
      if (!a) return;
      const cookieAt = words.indexOf('cookie');
      const maxconnAt = words.indexOf('maxconn');
      proxy.servers.push({
        name: a, address: b ?? '', check: words.includes('check'), backup: words.includes('backup'),
        cookie: cookieAt > 2 ? (words[cookieAt + 1] ?? null) : null,
        maxconn: maxconnAt > 2 ? Number(words[maxconnAt + 1]) : null, where,
      });
      return;
    }
    default:
      return;
  }
}

function inherit(proxy: Proxy, from: Proxy): void {
  proxy.inherits = from.name;
  proxy.mode ??= from.mode;
  for (const [name, timeout] of Object.entries(from.timeouts) as [TimeoutName, Timeout][]) proxy.timeouts[name] ??= timeout;
  proxy.logFormat ??= from.logFormat;
  for (const [name, option] of Object.entries(from.options)) proxy.options[name] ??= option;
  proxy.balance ??= from.balance;
  proxy.hashType ??= from.hashType;
  proxy.cookie ??= from.cookie;
  proxy.httpCheck ??= from.httpCheck;
}

export function readConfig(text: string, file = 'haproxy.cfg'): HaproxyConfig {
  const warnings: string[] = [];
  const proxies: Proxy[] = [];
  const named = new Map<string, Proxy>();
  let lastDefaults: Proxy | null = null;
  let current: Proxy | null = null;
  // Own settings first; inheritance is applied when the section ends, so a section's own lines win.
  const pending: { proxy: Proxy; from: Proxy | null }[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const words = tokenize(raw);
    if (words.length === 0) continue;
    const where = { file, line: i + 1 };
    const kw = words[0]!;
    if (SECTION_KEYWORDS.has(kw) && !/^\s/.test(raw)) {
      current = null;
      if (kw === 'defaults' || kw === 'frontend' || kw === 'backend' || kw === 'listen') {
        const fromAt = words.indexOf('from');
        const name = words[1] && words[1] !== 'from' ? words[1] : kw === 'defaults' ? `defaults@${i + 1}` : '';
        if (!name) {
          warnings.push(`${file}:${i + 1}: ${kw} without a name`);
          continue;
        }
        const fromName = fromAt > 0 ? words[fromAt + 1] : undefined;
        const from = fromName ? (named.get(fromName) ?? null) : kw === 'defaults' ? null : lastDefaults;
        if (fromName && !from) warnings.push(`${file}:${i + 1}: defaults section '${fromName}' not found`);
        current = emptyProxy(kw, name, where);
        pending.push({ proxy: current, from });
        if (kw === 'defaults') {
          lastDefaults = current;
          named.set(name, current);
        } else proxies.push(current);
      }
      continue;
    }
    if (current) applyLine(current, words, where, raw, warnings);
  }
  // Defaults first, in file order, so that chains of named defaults resolve before the proxies use them.
  for (const { proxy, from } of pending) if (from) inherit(proxy, from);
  return { file, proxies, warnings };
}

/**
 * The timeout that cuts an idle WebSocket tunnel between a frontend and a backend (section 4.2, `timeout
 * tunnel`): `timeout tunnel` when set, else the smaller of `timeout client` and `timeout server`.
 */
export function tunnelTimeout(frontend: Proxy | undefined, backend: Proxy | undefined): { name: TimeoutName; timeout: Timeout } | null {
  const tunnel = backend?.timeouts.tunnel;
  if (tunnel) return { name: 'tunnel', timeout: tunnel };
  const client = (frontend ?? backend)?.timeouts.client;
  const server = backend?.timeouts.server;
  if (client && server) return client.ms <= server.ms ? { name: 'client', timeout: client } : { name: 'server', timeout: server };
  if (client) return { name: 'client', timeout: client };
  if (server) return { name: 'server', timeout: server };
  return null;
}
