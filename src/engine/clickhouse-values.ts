/**
 * ClickHouse values (as JSONCompact… writes them) → the plain values a DuckDB store gives (store/database.ts's
 * toPlain), by their ClickHouse type: 64-bit integers within 2^53 as numbers (ClickHouse quotes them), times as
 * ISO 8601 UTC with milliseconds, Bool as a boolean, arrays, named tuples and maps as arrays and objects.
 */
import type { SqlValue } from '../store/database.js';

/** `Tuple(a Int32, b Array(String))` → its arguments as written, split at the top level. */
function typeArguments(type: string): string[] {
  const open = type.indexOf('(');
  const inner = type.slice(open + 1, type.lastIndexOf(')'));
  const parts: string[] = [];
  let depth = 0;
  let quote = false;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === "'" && inner[i - 1] !== '\\') quote = !quote;
    else if (quote) continue;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(inner.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(inner.slice(start).trim());
  return parts.filter(Boolean);
}

const base = (type: string): string => {
  const open = type.indexOf('(');
  return open < 0 ? type : type.slice(0, open);
};

/** A time as ClickHouse writes it (`2026-11-22 04:41:38.400000`, UTC here) → `2026-11-22T04:41:38.400Z`. */
function isoTime(text: string): string {
  const ms = Date.parse(`${text.replace(' ', 'T')}Z`);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : text;
}

function number(value: unknown): SqlValue {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    if (/^-?\d+$/.test(value)) {
      const n = Number(value);
      return Number.isSafeInteger(n) ? n : value;
    }
    const n = Number(value);
    return Number.isNaN(n) && !/^nan$/i.test(value) ? value : n;
  }
  return value === null || value === undefined ? null : (value as SqlValue);
}

export function plainValue(value: unknown, type: string): SqlValue {
  if (value === null || value === undefined) return null;
  const kind = base(type);
  switch (kind) {
    case 'Nullable':
    case 'LowCardinality':
      return plainValue(value, typeArguments(type)[0]!);
    case 'Variant': {
      // A Variant of one type stands for a value that may be NULL where ClickHouse cannot make it Nullable (a Tuple).
      const alternatives = typeArguments(type);
      return alternatives.length === 1 ? plainValue(value, alternatives[0]!) : (value as SqlValue);
    }
    case 'Bool':
      return value === true || value === 1 || value === 'true';
    case 'DateTime':
    case 'DateTime64':
      return isoTime(String(value));
    case 'Array': {
      const of = typeArguments(type)[0]!;
      return (value as unknown[]).map((v) => plainValue(v, of));
    }
    case 'Tuple': {
      const fields = typeArguments(type).map((f) => {
        const named = /^(`?)([A-Za-z_][A-Za-z0-9_]*)\1\s+(.+)$/.exec(f);
        return named && (named[1] === '`' || !/^[A-Z]/.test(f)) ? { name: named[2]!, type: named[3]! } : { name: null, type: f };
      });
      if (Array.isArray(value)) {
        if (fields.every((f) => f.name !== null)) return Object.fromEntries(fields.map((f, i) => [f.name!, plainValue(value[i], f.type)]));
        return value.map((v, i) => plainValue(v, fields[i]?.type ?? 'String'));
      }
      const object = value as Record<string, unknown>;
      return Object.fromEntries(fields.map((f, i) => [f.name ?? String(i + 1), plainValue(object[f.name ?? String(i + 1)], f.type)]));
    }
    case 'Map': {
      const [, of] = typeArguments(type);
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, plainValue(v, of!)]));
    }
    default:
      if (/^U?Int\d+$|^Float\d+$|^Decimal/.test(kind)) return number(value);
      return typeof value === 'object' ? (value as SqlValue) : String(value);
  }
}
