/**
 * Live mode's periodic work (pruning the window, re-running the diagnoses) shares the machine and the database
 * with storing lines, and must not starve the input: after a run that took `tookMs`,
 * the next waits at least LOAD_SHARE_FACTOR times as long, so it never takes more than a fifth of the time,
 * however large the window grows. Below that, the usual interval applies.
 */
export const LOAD_SHARE_FACTOR = 4;

export function nextRunDelay(intervalMs: number, tookMs: number): number {
  return Math.max(intervalMs, LOAD_SHARE_FACTOR * tookMs);
}
