/**
 * Small inline SVG charts for the HTML report: no script, no external resource. Every text that may come
 * from a log goes through escapeHtml.
 */
import { escapeHtml } from './escape-html.js';

const PALETTE = ['#c0392b', '#d35400', '#8e44ad', '#2c3e50', '#16a085', '#7f8c8d', '#2980b9', '#f39c12', '#27ae60', '#e84393'];

export interface StackedSeries {
  readonly buckets: readonly string[];
  /** cause → count per bucket (same order as buckets). */
  readonly stacks: ReadonlyMap<string, readonly number[]>;
}

function frame(width: number, height: number, body: string, label: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(label)}" viewBox="0 0 ${width} ${height}" width="100%" style="max-width:${width}px">${body}</svg>`;
}

/** Stacked bars over time (5xx and failures by cause). */
export function stackedBars(series: StackedSeries, label: string): string {
  const width = 760;
  const height = 220;
  const left = 40;
  const bottom = 30;
  const n = Math.max(series.buckets.length, 1);
  const totals = series.buckets.map((_, i) => [...series.stacks.values()].reduce((s, v) => s + (v[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const barW = (width - left - 10) / n;
  let body = `<line x1="${left}" y1="${height - bottom}" x2="${width - 5}" y2="${height - bottom}" stroke="#999"/>`;
  body += `<text x="2" y="14" font-size="11">${max}</text><text x="2" y="${height - bottom}" font-size="11">0</text>`;
  const causes = [...series.stacks.keys()];
  series.buckets.forEach((bucket, i) => {
    let y = height - bottom;
    causes.forEach((cause, c) => {
      const v = series.stacks.get(cause)?.[i] ?? 0;
      if (!v) return;
      const h = (v / max) * (height - bottom - 20);
      y -= h;
      body += `<rect x="${(left + i * barW).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(barW - 1, 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${PALETTE[c % PALETTE.length]}"><title>${escapeHtml(`${bucket} ${cause}: ${v}`)}</title></rect>`;
    });
  });
  if (series.buckets.length) {
    body += `<text x="${left}" y="${height - 10}" font-size="11">${escapeHtml(series.buckets[0]!)}</text>`;
    body += `<text x="${width - 5}" y="${height - 10}" font-size="11" text-anchor="end">${escapeHtml(series.buckets[series.buckets.length - 1]!)}</text>`;
  }
  const legend = causes.map((c, i) => `<span class="key"><i style="background:${PALETTE[i % PALETTE.length]}"></i>${escapeHtml(c)}</span>`).join(' ');
  return `${frame(width, height, body, label)}<div class="legend">${legend}</div>`;
}

/** Histogram of tunnel durations (power-of-two buckets, upper bounds in ms) with configured timeouts marked. */
export function durationHistogram(histogram: Readonly<Record<string, number>>, marks: readonly { label: string; ms: number }[], label: string): string {
  const width = 760;
  const height = 180;
  const left = 40;
  const bottom = 34;
  const bounds = Object.keys(histogram).map(Number).sort((a, b) => a - b);
  const maxBound = Math.max(1000, ...bounds, ...marks.map((m) => m.ms * 1.05));
  // Log scale from 0.5 s to the largest bucket or mark.
  const lo = Math.log2(500);
  const hi = Math.log2(maxBound);
  const x = (ms: number): number => left + ((Math.log2(Math.max(ms, 500)) - lo) / Math.max(hi - lo, 1)) * (width - left - 10);
  const max = Math.max(1, ...Object.values(histogram));
  let body = `<line x1="${left}" y1="${height - bottom}" x2="${width - 5}" y2="${height - bottom}" stroke="#999"/>`;
  for (const upper of bounds) {
    const lower = upper <= 1000 ? 500 : upper / 2;
    const count = histogram[String(upper)] ?? 0;
    const h = (count / max) * (height - bottom - 20);
    body += `<rect x="${x(lower).toFixed(1)}" y="${(height - bottom - h).toFixed(1)}" width="${Math.max(x(upper) - x(lower) - 1, 1).toFixed(1)}" height="${h.toFixed(1)}" fill="#2980b9"><title>${escapeHtml(`≤ ${upper} ms: ${count}`)}</title></rect>`;
    body += `<text x="${x(upper).toFixed(1)}" y="${height - bottom + 12}" font-size="10" text-anchor="middle">${upper >= 1000 ? `${upper / 1000}s` : `${upper}ms`}</text>`;
  }
  marks.forEach((m, i) => {
    const mx = x(m.ms).toFixed(1);
    body += `<line x1="${mx}" y1="10" x2="${mx}" y2="${height - bottom}" stroke="#c0392b" stroke-dasharray="4 3"/>`;
    body += `<text x="${mx}" y="${12 + i * 12}" font-size="10" fill="#c0392b">${escapeHtml(m.label)}</text>`;
  });
  return frame(width, height, body, label);
}

/** One horizontal bar per item (sticky miss rate per backend). */
export function horizontalBars(items: readonly { label: string; value: number; text: string }[], label: string): string {
  const width = 760;
  const row = 22;
  const height = Math.max(row * items.length + 10, 30);
  const max = Math.max(0.0001, ...items.map((i) => i.value));
  let body = '';
  items.forEach((item, i) => {
    const w = (item.value / max) * 420;
    body += `<text x="0" y="${i * row + 16}" font-size="12">${escapeHtml(item.label)}</text>`;
    body += `<rect x="220" y="${i * row + 4}" width="${w.toFixed(1)}" height="${row - 8}" fill="#d35400"/>`;
    body += `<text x="${(226 + w).toFixed(1)}" y="${i * row + 16}" font-size="12">${escapeHtml(item.text)}</text>`;
  });
  return frame(width, height, body, label);
}

/** Server DOWN/UP events on a time line, one row per server. */
export function eventTimeline(events: readonly { ts: string; kind: string; proxy: string; server: string | null }[], since: string, until: string, label: string): string {
  const width = 760;
  const row = 22;
  const left = 220;
  const servers = [...new Set(events.map((e) => `${e.proxy}/${e.server ?? ''}`))];
  const height = Math.max(servers.length * row + 30, 50);
  const t0 = Date.parse(since);
  const t1 = Math.max(Date.parse(until), t0 + 1);
  const x = (ts: string): number => left + ((Date.parse(ts) - t0) / (t1 - t0)) * (width - left - 10);
  let body = '';
  servers.forEach((s, i) => {
    body += `<text x="0" y="${i * row + 16}" font-size="12">${escapeHtml(s)}</text>`;
    body += `<line x1="${left}" y1="${i * row + 12}" x2="${width - 10}" y2="${i * row + 12}" stroke="#ddd"/>`;
  });
  for (const e of events) {
    const i = servers.indexOf(`${e.proxy}/${e.server ?? ''}`);
    const cx = Math.min(Math.max(x(e.ts), left), width - 10).toFixed(1);
    const color = e.kind.endsWith('down') || e.kind === 'backend.no-server' ? '#c0392b' : '#27ae60';
    body += `<circle cx="${cx}" cy="${i * row + 12}" r="5" fill="${color}"><title>${escapeHtml(`${e.ts} ${e.kind} ${e.proxy}/${e.server ?? ''}`)}</title></circle>`;
  }
  body += `<text x="${left}" y="${height - 4}" font-size="10">${escapeHtml(since)}</text><text x="${width - 10}" y="${height - 4}" font-size="10" text-anchor="end">${escapeHtml(until)}</text>`;
  return frame(width, height, body, label);
}
