/**
 * Time windows in the forms people type: a duration before now (`24h`, `1.5h`, `500ms`, `1w`: the one grammar
 * of src/text/duration.ts), `now`, `2026-11-20 14:00`, ISO 8601 (with or without offset), HAProxy's
 * `20/Nov/2026:14:00:00`. A time without an offset is read in the log's zone (--tz). Returns a UTC timestamp
 * string DuckDB understands, or null when absent.
 */
// One module each: the package's index loads all ~430 of its modules (~250 ms of every command's start).
import { isValid } from 'date-fns/isValid';
import { parseISO } from 'date-fns/parseISO';
import { subMilliseconds } from 'date-fns/subMilliseconds';
import { scopeTime } from '../diagnose/run-query.js';
import { parseHaproxyDate } from '../parse/log-format.js';
import { createTimeZone } from '../parse/time-zone.js';
import { DURATION_EXAMPLES, parseDuration } from '../text/duration.js';
import { UsageError } from './command.js';

/** A duration flag (--window, --interval…) in milliseconds; a usage error names the flag. */
export function durationArg(value: string, flag: string): number {
  const ms = parseDuration(value);
  if (ms === null) throw new UsageError(`${flag} takes a duration such as ${DURATION_EXAMPLES} (not '${value}')`);
  return ms;
}

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
  if (text === 'now') return scopeTime(now.getTime());
  const relative = parseDuration(text);
  if (relative !== null) return scopeTime(subMilliseconds(now, relative).getTime());
  const zone = createTimeZone(tz);
  const haproxy = parseHaproxyDate(text, 0);
  if (!Number.isNaN(haproxy)) return scopeTime(zone.toUtc(haproxy));
  const hasOffset = /(Z|[+-]\d\d:?\d\d)$/.test(text);
  const iso = parseISO(text.replace(' ', 'T'));
  if (isValid(iso)) {
    if (hasOffset) return scopeTime(iso.getTime());
    // parseISO read it in this process's zone; take the wall-clock fields and read them in the log's zone.
    const wall = Date.UTC(iso.getFullYear(), iso.getMonth(), iso.getDate(), iso.getHours(), iso.getMinutes(), iso.getSeconds(), iso.getMilliseconds());
    return scopeTime(zone.toUtc(wall));
  }
  throw new UsageError(`cannot read the time '${value}' (try a duration before now such as 24h, 1.5h or 1w, now, 2026-11-20 14:00, 2026-11-20T14:00:00Z or 20/Nov/2026:14:00:00)`);
}
