/** Durations as every view prints them (screens, reports): 355 ms, 2 s, 1.5 min, 2 h. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  if (ms >= 3_600_000) return `${trim(ms / 3_600_000)} h`;
  if (ms >= 60_000) return `${trim(ms / 60_000)} min`;
  if (ms >= 1000) return `${trim(ms / 1000)} s`;
  return `${Math.round(ms)} ms`;
}

/** One decimal, none when it is 0 (2 s, 2.5 s). */
const trim = (v: number): string => (Math.round(v * 10) % 10 === 0 ? String(Math.round(v)) : v.toFixed(1));
