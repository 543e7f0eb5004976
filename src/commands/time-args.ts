/**
 * Time windows in the forms people type: `24h`, `90m`, `7d` (before now), `now`, `2026-11-20 14:00`,
 * ISO 8601 (with or without offset), HAProxy's `20/Nov/2026:14:00:00`. A time without an offset is read in
 * the log's zone (--tz). Returns a UTC timestamp string DuckDB understands, or null when absent.
 */
import { parseISO, isValid, subMilliseconds } from 'date-fns';
import { parseHaproxyDate } from '../parse/log-format.js';
import { createTimeZone } from '../parse/time-zone.js';
import { UsageError } from './command.js';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

const toSql = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/** --since, --until and --backend as the scope every diagnosis takes. */
export function scopeArgs(values: Record<string, string | boolean | string[] | undefined>, now: Date, tz?: string): { since: string | null; until: string | null; backend: string | null } {
  return {
    since: parseTimeArg(values['since'] as string | undefined, now, tz),
    until: parseTimeArg(values['until'] as string | undefined, now, tz),
    backend: typeof values['backend'] === 'string' ? values['backend'] : null,
  };
}

export function parseTimeArg(value: string | undefined, now: Date, tz?: string): string | null {
  if (value === undefined || value === '') return null;
  const text = value.trim();
  if (text === 'now') return toSql(now.getTime());
  const relative = /^(\d+)\s*([smhdw])$/.exec(text);
  if (relative) return toSql(subMilliseconds(now, Number(relative[1]) * UNITS[relative[2]!]!).getTime());
  const zone = createTimeZone(tz);
  const haproxy = parseHaproxyDate(text, 0);
  if (!Number.isNaN(haproxy)) return toSql(zone.toUtc(haproxy));
  const hasOffset = /(Z|[+-]\d\d:?\d\d)$/.test(text);
  const iso = parseISO(text.replace(' ', 'T'));
  if (isValid(iso)) {
    if (hasOffset) return toSql(iso.getTime());
    // parseISO read it in this process's zone; take the wall-clock fields and read them in the log's zone.
    const wall = Date.UTC(iso.getFullYear(), iso.getMonth(), iso.getDate(), iso.getHours(), iso.getMinutes(), iso.getSeconds(), iso.getMilliseconds());
    return toSql(zone.toUtc(wall));
  }
  throw new UsageError(`cannot read the time '${value}' (try 24h, 7d, 2026-11-20 14:00, 2026-11-20T14:00:00Z or 20/Nov/2026:14:00:00)`);
}
