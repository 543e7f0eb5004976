/**
 * The wording of a finding, kept in its query's header (load-queries.ts) and filled from one row:
 *
 *   {column}            the value (lists joined with ", ", absent as "-")
 *   {column|ms}         a duration in ms as "850 ms", "2.5 s", "15 min"
 *   {column|pct}        a ratio as "12.5 %"
 *   {column|cause}      a cause code's title (advice.ts)
 *   {column|advice}     a cause code's advice (advice.ts)
 *   {?column}…{/}       the text only when the value is there and not false, 0 or empty
 *   {?column=value}…{/} the text only when the value is that
 *   {!column}…{/}       the text only when it is not there
 *
 * Pure; parse errors say where, so a header mistake fails when queries load, not in front of an operator.
 */
import type { Row, SqlValue } from '../store/database.js';
import { causeInfo } from './advice.js';

export type TemplateNode =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'value'; readonly column: string; readonly filter: Filter | null }
  | { readonly kind: 'if'; readonly column: string; readonly equals: string | null; readonly negate: boolean; readonly body: Template };
export type Template = readonly TemplateNode[];

const FILTERS = ['ms', 'pct', 'cause', 'advice'] as const;
type Filter = (typeof FILTERS)[number];

export function parseTemplate(text: string, where: string): Template {
  let at = 0;
  function nodes(inside: boolean): TemplateNode[] {
    const out: TemplateNode[] = [];
    let plain = '';
    const flush = (): void => {
      if (plain) out.push({ kind: 'text', text: plain });
      plain = '';
    };
    while (at < text.length) {
      const ch = text[at]!;
      if (ch !== '{') {
        plain += ch;
        at++;
        continue;
      }
      const close = text.indexOf('}', at);
      if (close < 0) throw new Error(`${where}: unclosed { at column ${at + 1}`);
      const body = text.slice(at + 1, close);
      at = close + 1;
      if (body === '/') {
        if (!inside) throw new Error(`${where}: {/} without {?…} before column ${at}`);
        flush();
        return out;
      }
      flush();
      const cond = /^([?!])([a-z_][a-z0-9_]*)(?:=([^}]*))?$/.exec(body);
      if (cond) {
        const inner = nodes(true);
        out.push({ kind: 'if', column: cond[2]!, equals: cond[3] ?? null, negate: cond[1] === '!', body: inner });
        continue;
      }
      const value = /^([a-z_][a-z0-9_]*)(?:\|([a-z]+))?$/.exec(body);
      if (!value) throw new Error(`${where}: cannot read {${body}}`);
      if (value[2] && !(FILTERS as readonly string[]).includes(value[2])) throw new Error(`${where}: unknown filter |${value[2]}`);
      out.push({ kind: 'value', column: value[1]!, filter: (value[2] as Filter | undefined) ?? null });
    }
    if (inside) throw new Error(`${where}: {?…} without its {/}`);
    flush();
    return out;
  }
  return nodes(false);
}

/** The columns a template reads. */
export function templateColumns(template: Template): string[] {
  return template.flatMap((n) => (n.kind === 'text' ? [] : n.kind === 'value' ? [n.column] : [n.column, ...templateColumns(n.body)]));
}

/** 850 ms, 2.5 s, 15 min. */
export function formatMs(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 < 1000) return `${Math.round(ms / 60_000)} min`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s`;
  return `${Math.round(ms)} ms`;
}

function plain(v: SqlValue | undefined): string {
  if (v === null || v === undefined) return '-';
  if (Array.isArray(v)) return v.length ? v.map(plain).join(', ') : '-';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function format(v: SqlValue | undefined, filter: Filter | null): string {
  if (filter === null || v === null || v === undefined) return plain(v);
  const n = typeof v === 'number' ? v : Number(v);
  switch (filter) {
    case 'ms':
      return Number.isFinite(n) ? formatMs(n) : plain(v);
    case 'pct':
      return Number.isFinite(n) ? `${(n * 100).toFixed(1)} %` : plain(v);
    case 'cause':
      return causeInfo(String(v)).title;
    case 'advice':
      return causeInfo(String(v)).advice;
  }
}

const truthy = (v: SqlValue | undefined): boolean =>
  v !== null && v !== undefined && v !== false && v !== 0 && v !== '' && !(Array.isArray(v) && v.length === 0);

export function renderTemplate(template: Template, row: Row): string {
  let out = '';
  for (const n of template) {
    if (n.kind === 'text') out += n.text;
    else if (n.kind === 'value') out += format(row[n.column], n.filter);
    else {
      const v = row[n.column];
      const hit = n.equals === null ? truthy(v) : v !== null && v !== undefined && plain(v) === n.equals;
      if (hit !== n.negate) out += renderTemplate(n.body, row);
    }
  }
  return out;
}
