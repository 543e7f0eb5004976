/**
 * Everything a scheduled report shows, as data: the analysis of the window, the same figures for the window
 * it is compared with, the series and configured timeouts the charts need, and the thresholds' verdicts.
 */
import type { QueryEngine } from '../engine/query-engine.js';
import type { HaproxyConfig } from '../config/read-config.js';
import { evaluateThresholds, type Threshold, type ThresholdFacts, type ThresholdResult } from './thresholds.js';
import type { Database, Row, SqlValue } from '../store/database.js';
import { analyze, isoTime, type Analysis } from './analyze.js';
import { runQuery, scopeTime, type Scope } from './run-query.js';

export interface Figure {
  readonly name: string;
  readonly current: number;
  readonly previous: number | null;
  /** True when the change is for the worse (more failures, higher rates or p99). */
  readonly worse: boolean;
}

export interface Comparison {
  readonly mode: 'previous' | '7d';
  readonly since: string;
  readonly until: string;
  readonly figures: Figure[];
}

export interface ReportData {
  /** The window reported on, ISO 8601 UTC: as given, or (left open) from the first session; until now when only --since was given. */
  readonly window: { since: string | null; until: string | null };
  readonly analysis: Analysis;
  readonly comparison: Comparison | null;
  readonly series: { bucket: string; cause: string; count: number }[];
  readonly bucketSeconds: number;
  readonly timeouts: { backend: string; name: string; ms: number; text: string; where: string }[];
  readonly thresholds: ThresholdResult[];
}

const num = (v: SqlValue | undefined): number => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : 0);
const fromSql = (text: string): number => Date.parse(text.replace(' ', 'T') + (text.endsWith('Z') ? '' : 'Z'));

async function facts(db: QueryEngine, scope: Scope, a: Analysis): Promise<ThresholdFacts> {
  const counts = (await runQuery(db, 'failure-counts', scope)).map((r) => ({
    status: r['status'] === null ? null : num(r['status']), cause: String(r['cause']),
    backend: r['backend'] === null ? null : String(r['backend']), server: r['server'] === null ? null : String(r['server']), count: num(r['count']),
  }));
  return { counts, sticky: a.sticky, tunnels: a.tunnels, totals: { sessions: a.summary.sessions, rejects: a.summary.rejects, upgrades: a.summary.upgrades } };
}

/** Headline figures, each with the direction that is worse. */
function figures(f: ThresholdFacts): Map<string, { value: number; higherIsWorse: boolean | null }> {
  const total = f.counts.reduce((n, r) => n + r.count, 0);
  const fivexx = f.counts.filter((r) => r.status !== null && r.status >= 500).reduce((n, r) => n + r.count, 0);
  const out = new Map<string, { value: number; higherIsWorse: boolean | null }>();
  out.set('sessions', { value: total, higherIsWorse: null });
  out.set('upgrades', { value: f.totals.upgrades, higherIsWorse: null });
  out.set('5xx', { value: fivexx, higherIsWorse: true });
  out.set('5xx rate', { value: total ? fivexx / total : 0, higherIsWorse: true });
  const byCause = new Map<string, number>();
  for (const r of f.counts) if (r.cause !== 'ok') byCause.set(r.cause, (byCause.get(r.cause) ?? 0) + r.count);
  for (const [cause, n] of byCause) out.set(`cause ${cause}`, { value: n, higherIsWorse: true });
  for (const s of f.sticky) out.set(`sticky miss rate ${s.backend}`, { value: s.miss_rate, higherIsWorse: true });
  for (const t of f.tunnels) out.set(`tunnel p99 ms ${t.backend}`, { value: t.p99_ms, higherIsWorse: null });
  out.set('rejected lines', { value: f.totals.rejects, higherIsWorse: true });
  return out;
}

const HEADLINE = ['sessions', 'upgrades', '5xx', '5xx rate', 'rejected lines'];
const rank = (name: string): number => (HEADLINE.includes(name) ? HEADLINE.indexOf(name) : HEADLINE.length);

export interface ReportOptions {
  readonly scope: Scope;
  /** The time of the run: the end of a window given only its start (`--since 24h` ends now). */
  readonly now?: Date;
  readonly compare: 'previous' | '7d' | null;
  readonly thresholds: readonly Threshold[];
  readonly config: HaproxyConfig | null;
}

export async function buildReport(db: QueryEngine, options: ReportOptions): Promise<ReportData> {
  const { scope } = options;
  const analysis = await analyze(db, scope, options.config);
  const current = await facts(db, scope, analysis);

  // The window as data says it when it was left open.
  const since = scope.since ?? (analysis.summary.from ? scopeTime(Date.parse(analysis.summary.from)) : null);
  const until = scope.until ?? (scope.since && options.now ? scopeTime(options.now.getTime()) : analysis.summary.to ? scopeTime(Date.parse(analysis.summary.to) + 1) : null);

  let comparison: Comparison | null = null;
  if (options.compare && since && until) {
    const length = fromSql(until) - fromSql(since);
    const shift = options.compare === '7d' ? 7 * 86_400_000 : length;
    const prevScope: Scope = { ...scope, since: scopeTime(fromSql(since) - shift), until: scopeTime(fromSql(until) - shift) };
    const prevAnalysis = await analyze(db, prevScope, options.config);
    const prev = figures(await facts(db, prevScope, prevAnalysis));
    const now = figures(current);
    // Headline figures first, then the rest by name: the same report twice reads the same.
    const names = [...new Set([...now.keys(), ...prev.keys()])].sort((x, y) => rank(x) - rank(y) || x.localeCompare(y));
    comparison = {
      mode: options.compare,
      since: isoTime(prevScope.since)!,
      until: isoTime(prevScope.until)!,
      figures: names.map((name) => {
        const c = now.get(name);
        const p = prev.get(name);
        const higherIsWorse = c?.higherIsWorse ?? p?.higherIsWorse ?? null;
        const cv = c?.value ?? 0;
        const pv = p?.value ?? (prevAnalysis.summary.sessions ? 0 : null);
        return { name, current: cv, previous: pv, worse: higherIsWorse === true && pv !== null && cv > pv };
      }),
    };
  }

  const spanMs = since && until ? Math.max(1, fromSql(until) - fromSql(since)) : 3_600_000;
  const bucketSeconds = Math.max(1, Math.ceil(spanMs / 1000 / 48));
  const series = (await runQuery(db, 'failures-over-time', scope, { bucket_seconds: bucketSeconds })).map((r: Row) => ({
    bucket: String(r['bucket']), cause: String(r['cause']), count: num(r['count']),
  }));
  const timeouts = (await runQuery(db, 'configured-timeouts', scope)).map((r) => ({
    backend: String(r['backend']), name: String(r['name']), ms: num(r['ms']), text: String(r['text']), where: String(r['where']),
  }));
  const thresholds = evaluateThresholds(options.thresholds, current);
  return { window: { since: isoTime(since), until: isoTime(until) }, analysis, comparison, series, bucketSeconds, timeouts, thresholds };
}
