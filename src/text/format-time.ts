/**
 * Times as the operator reads them: in the zone of the HAProxy host (--tz), with the zone's name, not UTC ISO
 * strings. Intl does the zone arithmetic (DST included).
 */
const formats = new Map<string, Intl.DateTimeFormat>();

function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
      hourCycle: 'h23', timeZoneName: 'short',
    });
    formats.set(timeZone, f);
  }
  return f;
}

export interface ZonedTime {
  /** 2026-11-22 */
  readonly date: string;
  /** 04:41:38 */
  readonly time: string;
  /** UTC, CET, GMT+1 */
  readonly zone: string;
}

/** An instant (ISO string or epoch ms) in a zone; null for no time or an invalid one. */
export function zonedTime(at: string | number | null | undefined, timeZone: string): ZonedTime | null {
  if (at === null || at === undefined) return null;
  const ms = typeof at === 'number' ? at : Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(at) ? at : `${at.replace(' ', 'T')}Z`);
  if (!Number.isFinite(ms)) return null;
  const parts = Object.fromEntries(format(timeZone).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return { date: `${parts['year']}-${parts['month']}-${parts['day']}`, time: `${parts['hour']}:${parts['minute']}:${parts['second']}`, zone: parts['timeZoneName'] ?? timeZone };
}

/** "2026-11-22 04:41:38 – 04:51:38 UTC" (the date once when both ends share it). */
export function formatSpan(from: string | number | null | undefined, to: string | number | null | undefined, timeZone: string): string {
  const a = zonedTime(from, timeZone);
  const b = zonedTime(to, timeZone);
  if (!a || !b) return a ? `from ${a.date} ${a.time} ${a.zone}` : b ? `until ${b.date} ${b.time} ${b.zone}` : '-';
  const end = a.date === b.date ? b.time : `${b.date} ${b.time}`;
  return `${a.date} ${a.time} – ${end} ${b.zone}`;
}
