/**
 * HAProxy writes its accept date in the local time of the host, without an offset (section 8.2.3). This
 * converts such wall-clock times to UTC for a given IANA zone. In the repeated autumn hour a wall-clock
 * time happens twice; without other evidence the earlier instant is taken (the envelope's offset, when it
 * has one, is used instead by parse-line). A time skipped in spring is read with the offset before the jump.
 */

export interface TimeZone {
  readonly name: string;
  /** Wall-clock ms (read as if UTC) → UTC epoch ms. */
  toUtc(localMs: number): number;
  /** Offset (ms, east positive) in force at a UTC instant. */
  offsetAt(utcMs: number): number;
}

const SLOT_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

export function localTimeZoneName(): string {
  // Node's Intl already follows the TZ environment variable.
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Throws RangeError for an unknown zone name (the CLI reports it as a usage error). */
export function createTimeZone(name: string = localTimeZoneName()): TimeZone {
  if (name === 'UTC' || name === 'Etc/UTC' || name === 'Z') {
    return { name: 'UTC', toUtc: (ms) => ms, offsetAt: () => 0 };
  }
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: name,
    hourCycle: 'h23',
    year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  });
  const offsetCache = new Map<number, number>();
  const slotCache = new Map<number, number>();

  function offsetAt(utcMs: number): number {
    const slot = Math.floor(utcMs / SLOT_MS);
    const cached = offsetCache.get(slot);
    if (cached !== undefined) return cached;
    const at = slot * SLOT_MS;
    const parts: Record<string, number> = {};
    for (const p of format.formatToParts(new Date(at))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
    const wall = Date.UTC(parts['year']!, parts['month']! - 1, parts['day']!, parts['hour']!, parts['minute']!, parts['second']!);
    const offset = wall - at;
    if (offsetCache.size > 10_000) offsetCache.clear();
    offsetCache.set(slot, offset);
    return offset;
  }

  function toUtc(localMs: number): number {
    const slot = Math.floor(localMs / SLOT_MS);
    let offset = slotCache.get(slot);
    if (offset === undefined) {
      const before = offsetAt(localMs - DAY_MS);
      const after = offsetAt(localMs + DAY_MS);
      const candidates = [localMs - before, localMs - after].filter((t) => offsetAt(t) === localMs - t);
      // Earliest valid instant (repeated hour); none valid means the skipped hour: keep the old offset.
      const utc = candidates.length ? Math.min(...candidates) : localMs - before;
      offset = localMs - utc;
      if (slotCache.size > 10_000) slotCache.clear();
      slotCache.set(slot, offset);
    }
    return localMs - offset;
  }

  return { name, toUtc, offsetAt };
}
