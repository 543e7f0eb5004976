/**
 * The one duration grammar of wsdiag: every duration flag (--since/--until's relative forms, --window,
 * --interval, --retain), the durations of --fail-on thresholds and the configuration's timeouts.
 *
 *   duration := NUMBER [ws] UNIT        NUMBER: 30, 1.5, .5     UNIT: us ms s m h d w
 *
 * `1.5h`, `500ms`, `90m`, `1w`. A bare number has no unit of its own: the configuration reads it as HAProxy
 * does (milliseconds, section 2.5 of its manual), a flag refuses it (is `--window 15` minutes or seconds?).
 * HAProxy itself takes whole numbers and no `w`; reading more than it does is harmless.
 */
export const DURATION_UNITS = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

const DURATION = /^(\d+(?:\.\d+)?|\.\d+)\s*(us|ms|s|m|h|d|w)?$/;

/** Examples for messages that ask for a duration. */
export const DURATION_EXAMPLES = '500ms, 30s, 15m, 1.5h, 7d or 1w';

/** Milliseconds, or null when `text` is not a duration. `bareUnit` is the unit of a number without one (none: refused). */
export function parseDuration(text: string, bareUnit?: keyof typeof DURATION_UNITS): number | null {
  const m = DURATION.exec(text.trim());
  if (!m) return null;
  const unit = m[2] ?? bareUnit;
  if (unit === undefined) return null;
  return Number(m[1]) * DURATION_UNITS[unit as keyof typeof DURATION_UNITS];
}
