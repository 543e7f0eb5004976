/**
 * Thresholds that page: a small expression language, parsed here and evaluated on numbers the diagnoses
 * returned. Nothing of an expression ever reaches SQL.
 *
 *   threshold := metric OP number [% | duration unit: us ms s m h d w, see src/text/duration.ts]
 *   metric    := rate(FILTER) | count(FILTER) | sticky.miss_rate(BACKEND) | tunnels.p50|p90|p99|max(BACKEND)
 *              | sessions | rejects | upgrades
 *   FILTER    := STATUS | CLASS | KEY = "VALUE" [, KEY = "VALUE"]…     (KEY: status, cause, backend, server;
 *                in VALUE, \" is a quote and \\ a backslash)
 *   STATUS    := 502 …    CLASS := 5xx | 4xx | 3xx | 2xx
 *   OP        := > | >= | < | <= | == | !=
 *
 * Examples: `rate(502) > 0.5%`, `count(cause = "timeout.tunnel") > 100`, `sticky.miss_rate(be_ws) > 5%`,
 * `rate(5xx, backend = "be_ws") > 1%`, `tunnels.p99(be_ws) < 30s`.
 */

import { DURATION_EXAMPLES, parseDuration } from '../text/duration.js';

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

/**
 * Splits `metric(args) OP number unit` by hand: a quoted value may hold anything, `"` and `\` written `\"` and
 * `\\` (a backend named `be "x", y` is `backend = "be \"x\", y"`), so no regular expression over the whole text.
 */
function scan(text: string): { name: string; args: string[] | undefined; rest: string } {
  let i = 0;
  const nameMatch = /^\s*([a-z_.0-9]+)\s*/.exec(text);
  if (!nameMatch) throw new ThresholdError(`cannot read threshold '${text}' (e.g. 'rate(502) > 0.5%' or 'count(cause = "timeout.tunnel") > 100')`);
  i = nameMatch[0].length;
  if (text[i] !== '(') return { name: nameMatch[1]!, args: undefined, rest: text.slice(i) };
  const args: string[] = [];
  let part = '';
  for (i += 1; ; i++) {
    const ch = text[i];
    if (ch === undefined) throw new ThresholdError(`${text}: missing ')'`);
    if (ch === ')') break;
    if (ch === ',') {
      args.push(part);
      part = '';
    } else if (ch === '"') {
      part += '"';
      for (i += 1; ; i++) {
        const q = text[i];
        if (q === undefined) throw new ThresholdError(`${text}: a quoted value is not closed`);
        if (q === '\\') {
          const next = text[i + 1];
          if (next !== '"' && next !== '\\') throw new ThresholdError(`${text}: inside quotes, write \\" for " and \\\\ for \\`);
          part += next === '"' ? '\u0000q' : '\u0000b';
          i++;
        } else if (q === '"') break;
        else part += q;
      }
      part += '"';
    } else part += ch;
  }
  args.push(part);
  return { name: nameMatch[1]!, args, rest: text.slice(i + 1) };
}

/** A quoted value as scanned, unescaped: escapes are held as NUL markers, which a command line cannot carry. */
const unquote = (value: string): string => value.replace(/\u0000q/g, '"').replace(/\u0000b/g, '\\');

function parseFilter(parts: readonly string[], source: string): Filter {
  const filter: Record<string, string | number> = {};
  for (const part of parts.map((p) => p.trim()).filter(Boolean)) {
    let m: RegExpExecArray | null;
    if ((m = /^([1-5])xx$/i.exec(part))) filter['statusClass'] = Number(m[1]);
    else if (/^\d{3}$/.test(part)) filter['status'] = Number(part);
    else if ((m = /^(status|cause|backend|server)\s*=\s*"([^"]*)"$/.exec(part)) || (m = /^(status|cause|backend|server)\s*=\s*([A-Za-z0-9_.:<>-]+)$/.exec(part))) {
      const [, key, raw] = m as unknown as [string, string, string];
      const value = unquote(raw);
      if (key === 'status') {
        if (!/^\d{3}$/.test(value)) throw new ThresholdError(`${source}: status must be a 3-digit code`);
        filter['status'] = Number(value);
      } else filter[key] = value;
    } else throw new ThresholdError(`${source}: cannot read '${unquote(part)}' (use 502, 5xx, or key = "value" with key status, cause, backend or server)`);
  }
  return filter as Filter;
}

/** A backend name given bare or quoted. */
function backendArg(args: string[] | undefined, text: string, name: string): string {
  const arg = args?.length === 1 ? args[0]!.trim() : '';
  const quoted = /^"([^"]*)"$/.exec(arg);
  if (quoted) return unquote(quoted[1]!);
  if (!NAME.test(arg)) throw new ThresholdError(`${text}: ${name}(BACKEND) needs a backend name`);
  return arg;
}

export function parseThreshold(text: string): Threshold {
  const { name, args, rest } = scan(text);
  const m = /^\s*(>=|<=|==|!=|>|<)\s*(\d+(?:\.\d+)?|\.\d+)\s*(%|[a-z]+)?\s*$/.exec(rest);
  if (!m) throw new ThresholdError(`cannot read threshold '${text}' (e.g. 'rate(502) > 0.5%' or 'count(cause = "timeout.tunnel") > 100')`);
  const [, op, number, unit] = m as unknown as [string, Op, string, string | undefined];
  let value = Number(number);
  let metric: Metric;
  if (name === 'rate' || name === 'count') {
    if (args === undefined) throw new ThresholdError(`${text}: ${name}(…) needs a filter, e.g. ${name}(502)`);
    metric = { kind: name, filter: parseFilter(args, text) };
  } else if (name === 'sticky.miss_rate') {
    metric = { kind: 'sticky.miss_rate', backend: backendArg(args, text, name) };
  } else if (/^tunnels\.(p50|p90|p99|max)$/.test(name)) {
    metric = { kind: 'tunnels', stat: name.slice(8) as 'p50' | 'p90' | 'p99' | 'max', backend: backendArg(args, text, name) };
    // Durations in the one grammar (src/text/duration.ts); a bare number is milliseconds, as the figures are.
    const ms = parseDuration(`${number}${unit ?? ''}`, 'ms');
    if (ms === null) throw new ThresholdError(`${text}: a tunnel duration takes ${DURATION_EXAMPLES}`);
    value = ms;
  } else if (name === 'sessions' || name === 'rejects' || name === 'upgrades') {
    if (args !== undefined) throw new ThresholdError(`${text}: ${name} takes no argument`);
    metric = { kind: 'total', name };
  } else throw new ThresholdError(`${text}: unknown metric '${name}' (rate, count, sticky.miss_rate, tunnels.p50/p90/p99/max, sessions, rejects, upgrades)`);
  const isRate = metric.kind === 'rate' || metric.kind === 'sticky.miss_rate';
  if (unit === '%') {
    if (!isRate) throw new ThresholdError(`${text}: % only goes with rate and sticky.miss_rate`);
    value /= 100;
  } else if (unit !== undefined && metric.kind !== 'tunnels') throw new ThresholdError(`${text}: '${unit}' does not go with ${name}`);
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
