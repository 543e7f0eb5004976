/**
 * Thresholds that page: a small expression language, parsed here and evaluated on numbers the diagnoses
 * returned. Nothing of an expression ever reaches SQL.
 *
 *   threshold := metric OP number [% | ms | s]
 *   metric    := rate(FILTER) | count(FILTER) | sticky.miss_rate(BACKEND) | tunnels.p50|p90|p99|max(BACKEND)
 *              | sessions | rejects | upgrades
 *   FILTER    := STATUS | CLASS | KEY = "VALUE" [, KEY = "VALUE"]…     (KEY: status, cause, backend, server)
 *   STATUS    := 502 …    CLASS := 5xx | 4xx | 3xx | 2xx
 *   OP        := > | >= | < | <= | == | !=
 *
 * Examples: `rate(502) > 0.5%`, `count(cause = "timeout.tunnel") > 100`, `sticky.miss_rate(be_ws) > 5%`,
 * `rate(5xx, backend = "be_ws") > 1%`, `tunnels.p99(be_ws) < 30s`.
 */

export class ThresholdError extends Error {}

type Op = '>' | '>=' | '<' | '<=' | '==' | '!=';

interface Filter {
  readonly status?: number;
  readonly statusClass?: number;
  readonly cause?: string;
  readonly backend?: string;
  readonly server?: string;
}

export type Metric =
  | { readonly kind: 'rate' | 'count'; readonly filter: Filter }
  | { readonly kind: 'sticky.miss_rate'; readonly backend: string }
  | { readonly kind: 'tunnels'; readonly stat: 'p50' | 'p90' | 'p99' | 'max'; readonly backend: string }
  | { readonly kind: 'total'; readonly name: 'sessions' | 'rejects' | 'upgrades' };

export interface Threshold {
  readonly text: string;
  readonly metric: Metric;
  readonly op: Op;
  /** Rates as fractions (0.005 for 0.5 %), durations in ms. */
  readonly value: number;
}

/** What thresholds are evaluated on: counts by status/cause/backend/server, and the analysis figures. */
export interface ThresholdFacts {
  readonly counts: readonly { status: number | null; cause: string; backend: string | null; server: string | null; count: number }[];
  readonly sticky: readonly { backend: string; miss_rate: number }[];
  readonly tunnels: readonly { backend: string; p50_ms: number; p90_ms: number; p99_ms: number; max_ms: number }[];
  readonly totals: { sessions: number; rejects: number; upgrades: number };
}

export interface ThresholdResult {
  readonly threshold: string;
  readonly value: number | null;
  readonly limit: number;
  readonly crossed: boolean;
  /** The value as a person reads it (`0.8 %`, `142`, `31.2 s`). */
  readonly shown: string;
}

const NAME = /^[A-Za-z0-9_.:<>-]+$/;

function parseFilter(text: string, source: string): Filter {
  const trimmed = text.trim();
  const filter: Record<string, string | number> = {};
  for (const part of trimmed.split(',').map((p) => p.trim()).filter(Boolean)) {
    let m: RegExpExecArray | null;
    if ((m = /^([1-5])xx$/i.exec(part))) filter['statusClass'] = Number(m[1]);
    else if (/^\d{3}$/.test(part)) filter['status'] = Number(part);
    else if ((m = /^(status|cause|backend|server)\s*=\s*"([^"]*)"$/.exec(part)) || (m = /^(status|cause|backend|server)\s*=\s*([A-Za-z0-9_.:<>-]+)$/.exec(part))) {
      const [, key, value] = m as unknown as [string, string, string];
      if (key === 'status') {
        if (!/^\d{3}$/.test(value)) throw new ThresholdError(`${source}: status must be a 3-digit code`);
        filter['status'] = Number(value);
      } else filter[key] = value;
    } else throw new ThresholdError(`${source}: cannot read '${part}' (use 502, 5xx, or key = "value" with key status, cause, backend or server)`);
  }
  return filter as Filter;
}

export function parseThreshold(text: string): Threshold {
  const m = /^\s*([a-z_.0-9]+)\s*(?:\(([^()]*)\))?\s*(>=|<=|==|!=|>|<)\s*(\d+(?:\.\d+)?)\s*(%|ms|s|m)?\s*$/.exec(text);
  if (!m) throw new ThresholdError(`cannot read threshold '${text}' (e.g. 'rate(502) > 0.5%' or 'count(cause = "timeout.tunnel") > 100')`);
  const [, name, args, op, number, unit] = m as unknown as [string, string, string | undefined, Op, string, string | undefined];
  let value = Number(number);
  let metric: Metric;
  if (name === 'rate' || name === 'count') {
    if (args === undefined) throw new ThresholdError(`${text}: ${name}(…) needs a filter, e.g. ${name}(502)`);
    metric = { kind: name, filter: parseFilter(args, text) };
    if (name === 'rate') value = unit === '%' ? value / 100 : value;
  } else if (name === 'sticky.miss_rate') {
    if (!args || !NAME.test(args.trim())) throw new ThresholdError(`${text}: sticky.miss_rate(BACKEND) needs a backend name`);
    metric = { kind: 'sticky.miss_rate', backend: args.trim() };
    value = unit === '%' ? value / 100 : value;
  } else if (/^tunnels\.(p50|p90|p99|max)$/.test(name)) {
    if (!args || !NAME.test(args.trim())) throw new ThresholdError(`${text}: ${name}(BACKEND) needs a backend name`);
    metric = { kind: 'tunnels', stat: name.slice(8) as 'p50' | 'p90' | 'p99' | 'max', backend: args.trim() };
    value = unit === 's' ? value * 1000 : unit === 'm' ? value * 60_000 : value;
  } else if (name === 'sessions' || name === 'rejects' || name === 'upgrades') {
    if (args !== undefined) throw new ThresholdError(`${text}: ${name} takes no argument`);
    metric = { kind: 'total', name };
  } else throw new ThresholdError(`${text}: unknown metric '${name}' (rate, count, sticky.miss_rate, tunnels.p50/p90/p99/max, sessions, rejects, upgrades)`);
  if (unit === '%' && metric.kind !== 'rate' && metric.kind !== 'sticky.miss_rate') throw new ThresholdError(`${text}: % only goes with rate and sticky.miss_rate`);
  return { text: text.trim(), metric, op, value };
}

function matches(row: ThresholdFacts['counts'][number], f: Filter): boolean {
  if (f.status !== undefined && row.status !== f.status) return false;
  if (f.statusClass !== undefined && (row.status === null || Math.floor(row.status / 100) !== f.statusClass)) return false;
  if (f.cause !== undefined && row.cause !== f.cause) return false;
  if (f.backend !== undefined && row.backend !== f.backend) return false;
  if (f.server !== undefined && row.server !== f.server) return false;
  return true;
}

function measure(metric: Metric, facts: ThresholdFacts): number | null {
  switch (metric.kind) {
    case 'count':
    case 'rate': {
      const hit = facts.counts.filter((r) => matches(r, metric.filter)).reduce((n, r) => n + r.count, 0);
      if (metric.kind === 'count') return hit;
      // The rate is among the sessions of the same backend/server when the filter names one.
      const scope = { backend: metric.filter.backend, server: metric.filter.server };
      const all = facts.counts.filter((r) => matches(r, scope)).reduce((n, r) => n + r.count, 0);
      return all === 0 ? null : hit / all;
    }
    case 'sticky.miss_rate':
      return facts.sticky.find((s) => s.backend === metric.backend)?.miss_rate ?? null;
    case 'tunnels': {
      const t = facts.tunnels.find((x) => x.backend === metric.backend);
      return t ? t[`${metric.stat}_ms`] : null;
    }
    case 'total':
      return facts.totals[metric.name];
  }
}

const compare = (a: number, op: Op, b: number): boolean =>
  op === '>' ? a > b : op === '>=' ? a >= b : op === '<' ? a < b : op === '<=' ? a <= b : op === '==' ? a === b : a !== b;

function show(metric: Metric, value: number | null): string {
  if (value === null) return 'no data';
  if (metric.kind === 'rate' || metric.kind === 'sticky.miss_rate') return `${(value * 100).toFixed(2)} %`;
  if (metric.kind === 'tunnels') return value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${value} ms`;
  return String(value);
}

/** A threshold with no data (no such backend, no sessions) is not crossed. */
export function evaluateThresholds(thresholds: readonly Threshold[], facts: ThresholdFacts): ThresholdResult[] {
  return thresholds.map((t) => {
    const value = measure(t.metric, facts);
    return { threshold: t.text, value, limit: t.value, crossed: value !== null && compare(value, t.op, t.value), shown: show(t.metric, value) };
  });
}
