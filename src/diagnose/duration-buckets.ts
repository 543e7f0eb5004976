/**
 * The 1-2-5 buckets of tunnel durations (queries/duration-bucket.sql assigns them): the bounds in order, and a
 * histogram made continuous from its first to its last bucket, so that empty buckets show as gaps.
 */

/** Upper bounds in ms: 10, 20, 50, 100, 200, 500, 1000… */
export function bucketBounds(upTo: number): number[] {
  const out: number[] = [];
  for (let decade = 10; out.length === 0 || out[out.length - 1]! < upTo; decade *= 10) {
    for (const m of [1, 2, 5]) out.push(m * decade);
  }
  return out;
}

/** The bound before `upper` (0 before 10 ms). */
export function lowerBound(upper: number): number {
  if (upper <= 10) return 0;
  const bounds = bucketBounds(upper);
  return bounds[bounds.indexOf(upper) - 1] ?? 0;
}

export interface Bucket {
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
}

/** Every bucket from the first non-empty one to the last (or to `through`, e.g. a timeout to mark), in order. */
export function continuousBuckets(histogram: Readonly<Record<string, number>>, through: readonly number[] = []): Bucket[] {
  const filled = Object.entries(histogram).filter(([, n]) => n > 0).map(([b]) => Number(b));
  if (filled.length === 0) return [];
  const lo = Math.min(...filled);
  const hi = Math.max(...filled, ...through.map((ms) => bucketBounds(ms).find((b) => b >= ms) ?? ms));
  return bucketBounds(hi).filter((b) => b >= lo && b <= hi).map((upper) => ({ lower: lowerBound(upper), upper, count: histogram[String(upper)] ?? 0 }));
}

export interface TimeoutMark {
  readonly label: string;
  readonly ms: number;
}

/**
 * The timeouts that end idle tunnels of a backend, to mark on its histogram: `timeout tunnel`, else (HAProxy then
 * uses the smaller of client and server, section 4.2) `timeout server`; and the timeouts that disconnect clusters
 * matched. One mark per value.
 */
export function timeoutMarks(
  backend: string,
  timeouts: readonly { readonly backend: string; readonly name: string; readonly ms: number; readonly text: string }[],
  disconnects: readonly { readonly backend: string; readonly count: number; readonly timeout: { readonly directive: string; readonly value_ms: number } | null }[],
): TimeoutMark[] {
  const own = timeouts.filter((t) => t.backend === backend);
  const tunnel = own.filter((t) => t.name === 'tunnel');
  const configured = (tunnel.length ? tunnel : own.filter((t) => t.name === 'server')).map((t) => ({ label: `timeout ${t.name} ${t.text}`, ms: t.ms }));
  const matched = disconnects.filter((d) => d.backend === backend && d.timeout).map((d) => ({ label: `${d.timeout!.directive} (${d.count} cut)`, ms: d.timeout!.value_ms }));
  const seen = new Set<number>();
  return [...configured, ...matched].filter((m) => (seen.has(m.ms) ? false : (seen.add(m.ms), true)));
}
