/**
 * Runs the diagnoses in queries/ and assembles the analysis: the stable JSON contract that the text,
 * markdown and JSON reports (and scheduled jobs) read. Returns data; never prints.
 */
import { lintConfig, type LintFinding } from '../config/lint-config.js';
import type { HaproxyConfig } from '../config/read-config.js';
import type { Database, Row, SqlValue } from '../store/database.js';
import { causeInfo } from './advice.js';
import { runQuery, withScopedCauses, type Scope } from './run-query.js';

export type Severity = 'critical' | 'warning' | 'info';

export interface Finding {
  severity: Severity;
  title: string;
  detail: string;
  advice: string;
  /** What found it: the cause of an error group, or the diagnosis (disconnect, sticky, mass-disconnect…). */
  kind: string;
  backend: string | null;
  server: string | null;
}

export interface ErrorGroup {
  status: number | null;
  cause: string;
  confidence: string;
  backend: string | null;
  server: string | null;
  count: number;
  first: string | null;
  last: string | null;
  terminations: string[];
  evidence: string[];
  /** DOWN events or failed checks of that server within 30 s of these failures. */
  down_events_nearby: number;
  advice: string;
}

export interface Disconnect {
  backend: string;
  interval_ms: number;
  count: number;
  share: number;
  termination: string;
  timeout: { directive: string; value_ms: number; where: string | null } | null;
  verdict: 'haproxy-timeout' | 'timeout-unknown-config' | 'outside-haproxy' | 'unexplained-timeout';
  advice: string;
}

export interface Sticky {
  backend: string;
  method: 'cookie' | 'source';
  connections: number;
  misses: number;
  miss_rate: number;
  reasons: Record<string, number>;
}

export interface Tunnel {
  backend: string;
  count: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  histogram: Record<string, number>;
}

export interface Analysis {
  summary: { lines: number; sessions: number; events: number; rejects: number; upgrades: number; from: string | null; to: string | null };
  errors: ErrorGroup[];
  disconnects: Disconnect[];
  sticky: Sticky[];
  tunnels: Tunnel[];
  events: Row[];
  findings: Finding[];
  /** The other diagnoses, row by row (reconnect storms, mass disconnects, denials, queueing, upgrade anomalies…). */
  details: Record<string, Row[]>;
  /** Configuration pitfalls (with --config), for the backends the logs show upgrading too. */
  lint: LintFinding[];
}

const num = (v: SqlValue | undefined): number => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : 0);
const str = (v: SqlValue | undefined): string | null => (v === null || v === undefined ? null : String(v));
const list = (v: SqlValue | undefined): string[] => (Array.isArray(v) ? v.filter((x) => x !== null).map(String) : []);

function numberMap(v: SqlValue | undefined): Record<string, number> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
  return Object.fromEntries(Object.entries(v).map(([k, n]) => [k, num(n as SqlValue)]));
}

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
const formatMs = (ms: number): string => (ms >= 60_000 && ms % 60_000 < 1000 ? `${Math.round(ms / 60_000)} min` : ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${ms} ms`);

export async function analyze(db: Database, scope: Scope, config: HaproxyConfig | null = null): Promise<Analysis> {
  return withScopedCauses(db, scope, () => runDiagnoses(db, scope, config));
}

/** The analysis, and `more` run over the same materialized scope (the queries it runs must use `scope`). */
export async function analyzeWith<T>(db: Database, scope: Scope, config: HaproxyConfig | null, more: () => Promise<T>): Promise<[Analysis, T]> {
  return withScopedCauses(db, scope, async () => [await runDiagnoses(db, scope, config), await more()]);
}

async function runDiagnoses(db: Database, scope: Scope, config: HaproxyConfig | null): Promise<Analysis> {
  const [summaryRow] = await runQuery(db, 'summary', scope);
  const s = summaryRow ?? {};
  const summary = {
    lines: num(s['lines']), sessions: num(s['sessions']), events: num(s['events']), rejects: num(s['rejects']),
    upgrades: num(s['upgrades']), from: str(s['from']), to: str(s['to']),
  };

  const errors: ErrorGroup[] = (await runQuery(db, 'errors', scope)).map((r) => ({
    status: r['status'] === null ? null : num(r['status']),
    cause: String(r['cause']),
    confidence: String(r['cause_confidence']),
    backend: str(r['backend']),
    server: str(r['server']),
    count: num(r['count']),
    first: str(r['first']),
    last: str(r['last']),
    terminations: list(r['terminations']),
    evidence: list(r['evidence']),
    down_events_nearby: num(r['down_events_nearby']),
    advice: causeInfo(String(r['cause'])).advice,
  }));

  const disconnects: Disconnect[] = (await runQuery(db, 'disconnect-clusters', scope)).map((r) => {
    const interval = num(r['interval_ms']);
    const timeoutFlagged = num(r['timeout_flagged']) >= num(r['count']) / 2;
    const directive = str(r['directive']);
    const timeout = directive ? { directive, value_ms: num(r['value_ms']), where: str(r['where_set']) } : null;
    let verdict: Disconnect['verdict'];
    let advice: string;
    if (timeout) {
      verdict = 'haproxy-timeout';
      advice = directive === 'timeout tunnel'
        ? `Idle tunnels are closed by \`timeout tunnel ${str(r['value_text'])}\`${timeout.where ? ` (${timeout.where})` : ''}: make clients ping more often than that, or raise it.`
        : `Idle tunnels die at \`${directive} ${str(r['value_text'])}\`${timeout.where ? ` (${timeout.where})` : ''} because backend ${r['backend']} has no \`timeout tunnel\`: add \`timeout tunnel 1h\` (or longer than the client's ping interval) to it.`;
    } else if (timeoutFlagged && !r['have_config']) {
      verdict = 'timeout-unknown-config';
      advice = `HAProxy itself cut these tunnels (termination ${r['termination']}) at ${formatMs(interval)}: a \`timeout tunnel\`, \`timeout client\` or \`timeout server\` of about ${formatMs(interval)} is the likely cause. Run again with --config haproxy.cfg to name it.`;
    } else if (timeoutFlagged) {
      verdict = 'unexplained-timeout';
      advice = `HAProxy flagged a timeout (termination ${r['termination']}) at ${formatMs(interval)} but no configured timeout of this backend matches it: is the configuration given the one that was running?`;
    } else {
      verdict = 'outside-haproxy';
      advice = `These tunnels end at ${formatMs(interval)} without any HAProxy timeout (termination ${r['termination']}): something outside HAProxy closes them — the backend's own idle timeout, a firewall, NAT or CDN/load-balancer idle timeout in front.`;
    }
    return {
      backend: String(r['backend']), interval_ms: interval, count: num(r['count']), share: num(r['share']),
      termination: String(r['termination']), timeout, verdict, advice,
    };
  });

  const sticky: Sticky[] = [
    ...(await runQuery(db, 'sticky-cookie', scope)).map((r) => ({
      backend: String(r['backend']), method: 'cookie' as const, connections: num(r['connections']), misses: num(r['misses']),
      miss_rate: num(r['connections']) ? num(r['misses']) / num(r['connections']) : 0,
      reasons: { down_server: num(r['down_server']), invalid: num(r['invalid']), expired: num(r['expired']), too_old: num(r['too_old']), no_cookie_repeat: num(r['no_cookie_repeat']) },
    })),
    ...(await runQuery(db, 'sticky-source', scope)).map((r) => ({
      backend: String(r['backend']), method: 'source' as const, connections: num(r['connections']), misses: num(r['misses']),
      miss_rate: num(r['connections']) ? num(r['misses']) / num(r['connections']) : 0,
      reasons: { clients_moved: num(r['clients_moved']), server_down_events: num(r['server_down_events']) },
    })),
  ];

  const tunnels: Tunnel[] = (await runQuery(db, 'tunnels', scope)).map((r) => ({
    backend: String(r['backend']), count: num(r['count']), p50_ms: num(r['p50_ms']), p90_ms: num(r['p90_ms']),
    p99_ms: num(r['p99_ms']), max_ms: num(r['max_ms']), histogram: numberMap(r['histogram']),
  }));

  const events = await runQuery(db, 'events', scope);
  const details: Record<string, Row[]> = {};
  for (const name of ['health-check-101', 'reconnect-storms', 'mass-disconnects', 'upgrade-denials', 'queueing', 'upgrade-anomalies', 'tunnels-by-server']) {
    details[name] = await runQuery(db, name, scope);
  }

  const upgradedBackends = (await db.query('SELECT DISTINCT backend FROM sessions WHERE upgraded AND backend IS NOT NULL')).rows.map((r) => String(r['backend']));
  const lint = config ? lintConfig(config, upgradedBackends) : [];
  const analysis: Analysis = { summary, errors, disconnects, sticky, tunnels, events, findings: [], details, lint };
  analysis.findings = buildFindings(analysis);
  return analysis;
}

/** Findings, worst first, in plain words. */
export function buildFindings(a: Analysis): Finding[] {
  const findings: Finding[] = [];
  for (const hc of a.details['health-check-101'] ?? []) {
    findings.push({
      kind: 'health-check-101', backend: str(hc['backend']), server: str(hc['server']),
      severity: 'critical',
      title: `Health check of ${hc['backend']}/${hc['server']} gets 101 from a WebSocket endpoint`,
      detail: `Server ${hc['backend']}/${hc['server']} went DOWN (${hc['reason']}, code 101 "${hc['info']}") ${hc['events']} time(s) from ${hc['first'] ?? 'an unlogged time'}; ${hc['no_server_503']} request(s) got 503 with no server available.`,
      advice: 'The health check sends an Upgrade request or checks a WebSocket path and expects 200. Point `option httpchk`/`http-check send` at a plain HTTP health URL, or `http-check expect status 101` if the endpoint must be the WebSocket one.',
    });
  }
  for (const e of a.errors) {
    const info = causeInfo(e.cause);
    const where = `${e.backend ?? '?'}/${e.server ?? '?'}`;
    const severity: Severity = (e.status !== null && e.status >= 500) || e.cause === 'server.abort' ? 'critical'
      : e.cause === 'client.abort' || e.cause === 'logged-early' ? 'info' : 'warning';
    findings.push({
      kind: e.cause, backend: e.backend, server: e.server,
      severity,
      title: `${e.count} × ${e.status ?? '-'} ${info.title} on ${where}`,
      detail: `${e.count} session(s) with cause ${e.cause} (termination ${e.terminations.join(', ')}) from ${e.first} to ${e.last}.` +
        (e.confidence === 'guess' ? ' Without a configuration, which timeout fired is a guess.' : '') +
        (e.down_events_nearby > 0 && e.cause.startsWith('server.') ? ` ${where} went DOWN or failed its check within 30 s of them: a crash or restart of that server.` : ''),
      advice: e.advice,
    });
  }
  for (const d of a.disconnects) {
    findings.push({
      kind: 'disconnect', backend: d.backend, server: null,
      severity: d.share >= 0.3 ? 'critical' : 'warning',
      title: `${d.count} tunnels of ${d.backend} end after ${formatMs(d.interval_ms)} (${Math.round(d.share * 100)} %)`,
      detail: d.timeout
        ? `They match \`${d.timeout.directive}\` = ${formatMs(d.timeout.value_ms)}${d.timeout.where ? ` (${d.timeout.where})` : ''}; termination ${d.termination}.`
        : `No HAProxy timeout explains this interval; termination ${d.termination}.`,
      advice: d.advice,
    });
  }
  for (const s of a.sticky) {
    if (s.misses === 0) continue;
    const reasons = Object.entries(s.reasons).filter(([, n]) => n > 0).map(([k, n]) => `${k.replace(/_/g, ' ')} ${n}`).join(', ');
    findings.push({
      kind: 'sticky', backend: s.backend, server: null,
      severity: s.miss_rate >= 0.05 ? 'warning' : 'info',
      title: `${s.backend}: ${s.misses} sticky-session misses (${(s.miss_rate * 100).toFixed(1)} % of ${s.connections}, ${s.method})`,
      detail: reasons,
      advice: s.method === 'cookie'
        ? 'Clients lost their server: cookies naming a DOWN server were redispatched (enable `option redispatch` if not set); clients that never return the cookie (N again and again) do not keep cookies (cross-site, privacy settings, non-browser clients).'
        : 'Clients moved between servers: a server went DOWN or the hash was rebuilt (consider `hash-type consistent`).',
    });
  }
  for (const r of a.details['mass-disconnects'] ?? []) {
    findings.push({
      kind: 'mass-disconnect', backend: str(r['backend']), server: str(r['server']),
      severity: 'critical',
      title: `${r['tunnels']} tunnels of ${r['backend']}/${r['server']} closed within one second at ${r['second']}`,
      detail: `Terminations ${r['terminations']}; ${r['down_events_nearby']} DOWN event(s) of that server within 30 s.`,
      advice: 'A restart, deploy or crash of that server: drain servers before restarting them and let clients reconnect with backoff.',
    });
  }
  for (const r of a.details['reconnect-storms'] ?? []) {
    findings.push({
      kind: 'reconnect-storm', backend: str(r['backend']), server: null,
      severity: 'warning',
      title: `Client ${r['client_ip']} opened ${r['attempts']} WebSocket upgrades to ${r['backend']} in one minute`,
      detail: `${r['failed']} failed; usual cause ${r['usual_cause']}; minute ${r['minute']}.`,
      advice: 'A reconnect loop without backoff: add exponential backoff with jitter in the client, and find why its connections end.',
    });
  }
  for (const r of a.details['upgrade-denials'] ?? []) {
    findings.push({
      kind: 'upgrade-denial', backend: str(r['backend']), server: null,
      severity: 'warning',
      title: `${r['count']} upgrade requests to ${r['backend']} denied with ${r['status']} by HAProxy`,
      detail: `${r['clients']} client(s), ${r['first']} to ${r['last']}.`,
      advice: 'A rate limit or deny rule hits WebSocket upgrades: reconnecting clients multiply requests, so size limits for reconnect bursts.',
    });
  }
  for (const r of a.details['queueing'] ?? []) {
    findings.push({
      kind: 'queueing', backend: str(r['backend']), server: str(r['server']),
      severity: 'warning',
      title: `${r['count']} sessions queued on ${r['backend']}/${r['server']}`,
      detail: `max srv_queue ${r['max_srv_queue']}, backend_queue ${r['max_backend_queue']}, max wait ${r['max_queue_ms']} ms, ${r['queue_timeouts']} queue timeouts.`,
      advice: 'Long-lived WebSockets hold server slots: `maxconn` on WebSocket servers must count open tunnels, not requests.',
    });
  }
  for (const r of a.details['upgrade-anomalies'] ?? []) {
    findings.push({
      kind: 'upgrade-anomaly', backend: str(r['backend']), server: null,
      severity: 'warning',
      title: `${r['count']} WebSocket upgrade requests to ${r['backend']}: ${r['problem'] === 'http2' ? 'over HTTP/2' : 'Connection header lacks "upgrade"'}`,
      detail: `Connection values: ${r['connection_values']}; ${r['upgraded_anyway']} upgraded anyway.`,
      advice: r['problem'] === 'http2'
        ? 'WebSocket over HTTP/2 needs RFC 8441 on both sides; otherwise keep h2 off the bind that serves WebSockets (`alpn http/1.1`).'
        : 'A proxy or client in front strips the Connection: Upgrade header; fix it there.',
    });
  }
  for (const l of a.lint) {
    if (l.severity === 'info') continue;
    findings.push({ kind: 'lint', backend: l.proxy ?? null, server: null, severity: 'warning', title: `${l.where.file}:${l.where.line}: ${l.message}`, detail: l.why, advice: l.fix });
  }
  return findings.sort((x, y) => SEVERITY_ORDER[x.severity] - SEVERITY_ORDER[y.severity]);
}
