/** Numbers and durations as the screens print them. Logged strings go through displayText, never around it. */
export { displayText as safe } from '../text/display-text.js';
export { formatDuration } from '../text/format-duration.js';
import { zonedTime } from '../text/format-time.js';

export function formatRate(perSecond: number): string {
  return perSecond >= 100 ? String(Math.round(perSecond)) : perSecond.toFixed(1);
}

/** 4,248 */
export const formatCount = (n: number): string => n.toLocaleString('en-US');

export const formatPercent = (share: number): string => `${(share * 100).toFixed(1)} %`;

const BARS = '▁▂▃▄▅▆▇█';
/** One character per value, scaled to the largest (`max`, default the series' own): blank for 0, ▁ … █ above. */
export function sparkline(values: readonly number[], max = Math.max(0, ...values)): string {
  return values.map((v) => (v <= 0 || max <= 0 ? ' ' : BARS[Math.min(BARS.length - 1, Math.floor((v / max) * BARS.length - 1e-9))]!)).join('');
}

/** An instant as the screens show it: date and time in the --tz zone (the status line names the zone). */
export function formatTime(at: unknown, timeZone: string): string {
  const z = typeof at === 'string' || typeof at === 'number' ? zonedTime(at, timeZone) : null;
  return z ? `${z.date} ${z.time}` : '-';
}
