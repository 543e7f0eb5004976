/**
 * Inline SVG charts for the HTML report: no script, no external resource, every logged text through escapeHtml.
 * Scales and ticks come from d3-scale, which computes them without a DOM (its "nice" ticks and UTC time ticks
 * are what hand code got wrong: a time axis with only its two ends). The markup is written here, so that the
 * output stays plain SVG that a strict CSP and a mail client accept.
 */
import { scaleLinear, scaleUtc } from 'd3-scale';
import { continuousBuckets, type TimeoutMark } from '../diagnose/duration-buckets.js';
import { formatDuration } from '../text/format-duration.js';
import { escapeHtml } from './escape-html.js';

const PALETTE = ['#c0392b', '#d35400', '#8e44ad', '#2c3e50', '#16a085', '#7f8c8d', '#2980b9', '#b7950b', '#27ae60', '#e84393'];
const AXIS = '#888';
const FONT = 11;
/** Width of a character at FONT px in the report's sans-serif, generously: labels are placed so that they fit. */
const CHAR = 6.8;

const fx = (n: number): string => n.toFixed(1);
const textWidth = (s: string, size = FONT): number => [...s].length * CHAR * (size / FONT);

interface TextOptions {
  readonly anchor?: 'start' | 'middle' | 'end';
  readonly size?: number;
  readonly fill?: string;
  readonly weight?: 'bold';
  readonly rotate?: boolean;
}

function text(x: number, y: number, value: string, o: TextOptions = {}): string {
  const attrs = [`x="${fx(x)}"`, `y="${fx(y)}"`, `font-size="${o.size ?? FONT}"`];
  if (o.anchor && o.anchor !== 'start') attrs.push(`text-anchor="${o.anchor}"`);
  if (o.fill) attrs.push(`fill="${o.fill}"`);
  if (o.weight) attrs.push(`font-weight="${o.weight}"`);
  if (o.rotate) attrs.push(`transform="rotate(-90 ${fx(x)} ${fx(y)})"`);
  return `<text ${attrs.join(' ')}>${escapeHtml(value)}</text>`;
}

const line = (x1: number, y1: number, x2: number, y2: number, stroke = AXIS, dash?: string): string =>
  `<line x1="${fx(x1)}" y1="${fx(y1)}" x2="${fx(x2)}" y2="${fx(y2)}" stroke="${stroke}"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`;

/** A rectangle with its figure on hover (`<title>`: no script needed). */
const bar = (x: number, y: number, w: number, h: number, fill: string, title: string): string =>
  `<rect x="${fx(x)}" y="${fx(y)}" width="${fx(Math.max(w, 0.5))}" height="${fx(Math.max(h, 0))}" fill="${fill}"><title>${escapeHtml(title)}</title></rect>`;

function frame(width: number, height: number, body: string, label: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(label)}" viewBox="0 0 ${width} ${height}" width="100%" style="max-width:${width}px" font-family="system-ui,sans-serif">${body}</svg>`;
}

/** Cuts a label to a width, with an ellipsis (the full text is in the row's <title>). */
function fit(value: string, width: number, size = FONT): string {
  const chars = [...value];
  const max = Math.floor(width / (CHAR * (size / FONT)));
  return chars.length <= max ? value : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Tick labels of a UTC time axis: as precise as the ticks are apart. */
function timeLabel(d: Date, stepMs: number): string {
  const hm = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  if (stepMs >= 86_400_000) return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  if (stepMs >= 60_000) return hm;
  if (stepMs >= 1000) return `${hm}:${pad(d.getUTCSeconds())}`;
  return `${hm}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

/** A time axis at `y` from x0 to x1 over [t0, t1]: ticks, labels and a title that says the zone and the day. */
function timeAxis(t0: number, t1: number, x0: number, x1: number, y: number, title: string): string {
  const scale = scaleUtc().domain([new Date(t0), new Date(t1)]).range([x0, x1]);
  const ticks = scale.ticks(Math.max(2, Math.floor((x1 - x0) / 130)));
  const step = ticks.length > 1 ? ticks[1]!.getTime() - ticks[0]!.getTime() : t1 - t0;
  let out = line(x0, y, x1, y);
  for (const t of ticks) {
    const x = scale(t);
    const label = timeLabel(t, step);
    // Keep the end labels inside the chart.
    const half = textWidth(label) / 2;
    const anchor = x - half < x0 - 20 ? 'start' : x + half > x1 ? 'end' : 'middle';
    out += line(x, y, x, y + 4) + text(x, y + 16, label, { anchor });
  }
  const day = new Date(t0);
  const date = `${day.getUTCFullYear()}-${pad(day.getUTCMonth() + 1)}-${pad(day.getUTCDate())}`;
  out += text((x0 + x1) / 2, y + 32, `${title} — UTC, ${date}`, { anchor: 'middle', fill: '#555' });
  return out;
}

export interface CauseSeries {
  /** Start of the window and of its end (ms since the epoch). */
  readonly from: number;
  readonly to: number;
  readonly bucketMs: number;
  /** cause → count per bucket start (ms). */
  readonly counts: ReadonlyMap<string, ReadonlyMap<number, number>>;
}

/** Causes drawn one per row; the rest share a last row. */
const CAUSE_ROWS = 6;

/**
 * Failures by cause over time as small multiples: one row per cause, each on its own scale (its peak written on
 * its axis), all on one time axis. A dominant cause (a flood of 429s) then cannot flatten the others to nothing.
 */
export function causeSmallMultiples(series: CauseSeries, label: string): string {
  const causes = [...series.counts.entries()].map(([cause, m]) => ({ cause, m, total: [...m.values()].reduce((a, b) => a + b, 0) }))
    .sort((a, b) => b.total - a.total || a.cause.localeCompare(b.cause));
  const rows = causes.slice(0, CAUSE_ROWS).map((c) => ({ name: c.cause, counts: c.m, total: c.total }));
  if (causes.length > CAUSE_ROWS) {
    const rest = new Map<number, number>();
    for (const c of causes.slice(CAUSE_ROWS)) for (const [t, n] of c.m) rest.set(t, (rest.get(t) ?? 0) + n);
    rows.push({ name: `${causes.length - CAUSE_ROWS} other causes`, counts: rest, total: [...rest.values()].reduce((a, b) => a + b, 0) });
  }
  const width = 1100;
  const left = 230;
  const right = 16;
  const rowH = 36;
  const top = 6;
  const height = top + rows.length * rowH + 44;
  const t0 = series.from;
  const t1 = Math.max(series.to, t0 + series.bucketMs);
  const x = scaleLinear().domain([t0, t1]).range([left, width - right]);
  const barW = Math.max(1, x(t0 + series.bucketMs) - x(t0) - 1);
  let body = '';
  rows.forEach((row, i) => {
    const y0 = top + i * rowH;
    const base = y0 + rowH - 6;
    const peak = Math.max(1, ...row.counts.values());
    const y = scaleLinear().domain([0, peak]).range([base, y0 + 4]);
    const color = PALETTE[i % PALETTE.length]!;
    body += `<g><title>${escapeHtml(`${row.name}: ${row.total} in all, at most ${peak} per ${formatDuration(series.bucketMs)}`)}</title>`;
    body += text(8, base - 8, fit(row.name, left - 70), { fill: color, weight: 'bold' });
    body += text(8, base + 4, `${row.total} in all`, { size: 10, fill: '#666' });
    body += '</g>';
    // The row's own y axis: 0 and its peak.
    body += line(left - 4, y0 + 4, left - 4, base) + text(left - 8, y0 + 12, String(peak), { anchor: 'end', size: 10 }) + text(left - 8, base, '0', { anchor: 'end', size: 10 });
    body += line(left, base, width - right, base, '#ddd');
    for (const [t, n] of [...row.counts.entries()].sort((a, b) => a[0] - b[0])) {
      if (n <= 0) continue;
      body += bar(x(t), y(n), barW, base - y(n), color, `${new Date(t).toISOString().replace('T', ' ').slice(0, 19)} UTC, ${row.name}: ${n}`);
    }
  });
  body += timeAxis(t0, t1, left, width - right, top + rows.length * rowH, `failed sessions per ${formatDuration(series.bucketMs)}, each row on its own scale`);
  return frame(width, height, body, label);
}

/**
 * Histogram of tunnel durations in 1-2-5 buckets from 10 ms (equal widths: a log scale), a y axis of tunnels,
 * counts on hover, and the timeouts that end idle tunnels marked where they fall.
 */
export function durationHistogram(histogram: Readonly<Record<string, number>>, marks: readonly TimeoutMark[], label: string): string {
  const width = 540;
  const height = 210;
  const left = 46;
  const right = 12;
  const top = 16 + 13 * marks.length;
  const bottom = 44;
  const buckets = continuousBuckets(histogram, marks.map((m) => m.ms));
  if (buckets.length === 0) return frame(width, 40, text(8, 24, 'no tunnel'), label);
  const plotW = width - left - right;
  const bw = plotW / buckets.length;
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const y = scaleLinear().domain([0, max]).nice().range([height - bottom, top]);
  let body = '';
  for (const t of y.ticks(4).filter(Number.isInteger)) {
    body += line(left, y(t), width - right, y(t), '#eee') + text(left - 6, y(t) + 4, String(t), { anchor: 'end' });
  }
  body += line(left, top, left, height - bottom) + line(left, height - bottom, width - right, height - bottom);
  // Every bound labelled when there is room, else the decades only (10 ms, 100 ms, 1 s…): they would overlap.
  const labelled = (upper: number): boolean => bw >= 56 || /^10*$/.test(String(upper));
  if (bw >= 56) body += text(left, height - bottom + 16, buckets[0]!.lower ? formatDuration(buckets[0]!.lower) : '0', { anchor: 'start' });
  buckets.forEach((b, i) => {
    const x0 = left + i * bw;
    if (b.count > 0) body += bar(x0 + 1, y(b.count), bw - 2, height - bottom - y(b.count), '#2980b9', `${b.lower ? formatDuration(b.lower) : '0'} – ${formatDuration(b.upper)}: ${b.count} tunnel${b.count === 1 ? '' : 's'}`);
    body += line(x0 + bw, height - bottom, x0 + bw, height - bottom + 4);
    if (labelled(b.upper)) body += text(x0 + bw, height - bottom + 16, formatDuration(b.upper), { anchor: i === buckets.length - 1 ? 'end' : 'middle' });
  });
  body += text(left + plotW / 2, height - 8, 'tunnel duration (1-2-5 buckets, log scale)', { anchor: 'middle', fill: '#555' });
  body += text(12, top + (height - bottom - top) / 2, 'tunnels', { anchor: 'middle', fill: '#555', rotate: true });
  // Where a duration falls: its bucket, and log-interpolated within it.
  const at = (ms: number): number => {
    const i = Math.max(0, buckets.findIndex((b) => ms <= b.upper));
    const b = buckets[i]!;
    const f = b.lower === 0 ? ms / b.upper : (Math.log(ms) - Math.log(b.lower)) / (Math.log(b.upper) - Math.log(b.lower));
    return left + (i + Math.max(0, Math.min(1, f))) * bw;
  };
  marks.forEach((m, i) => {
    const mx = at(m.ms);
    const labelText = `${m.label} (${formatDuration(m.ms)})`;
    const ly = 12 + i * 13;
    // Left of the line when it would run past the right edge.
    const anchor = mx + 4 + textWidth(labelText) > width - 2 ? 'end' : 'start';
    body += line(mx, ly + 2, mx, height - bottom, '#c0392b', '4 3');
    body += text(anchor === 'end' ? mx - 4 : mx + 4, ly, labelText, { fill: '#c0392b', anchor });
  });
  return frame(width, height, body, label);
}

/** Sticky-session miss rate, one bar per backend, on a percent axis. */
export function missRateBars(items: readonly { label: string; value: number; text: string }[], label: string): string {
  const width = 760;
  const row = 24;
  const labelW = Math.min(300, Math.max(80, ...items.map((i) => textWidth(i.label) + 12)));
  const valueW = Math.max(...items.map((i) => textWidth(i.text) + 10), 60);
  const left = labelW;
  const right = valueW;
  const height = items.length * row + 40;
  const max = Math.max(0.0001, ...items.map((i) => i.value));
  const x = scaleLinear().domain([0, max]).nice().range([left, width - right]);
  let body = '';
  const axisY = items.length * row + 4;
  for (const t of x.ticks(5)) body += line(x(t), 0, x(t), axisY, '#eee') + text(x(t), axisY + 14, `${Math.round(t * 1000) / 10} %`, { anchor: 'middle', size: 10 });
  items.forEach((item, i) => {
    const y0 = i * row;
    body += text(0, y0 + 16, fit(item.label, labelW - 8));
    body += bar(left, y0 + 5, x(item.value) - left, row - 10, '#d35400', `${item.label}: ${item.text}`);
    body += text(x(item.value) + 6, y0 + 16, item.text);
  });
  body += line(left, axisY, width - right, axisY);
  body += text(left + (width - right - left) / 2, height - 2, 'sessions whose persistence missed', { anchor: 'middle', size: 10, fill: '#555' });
  return frame(width, height, body, label);
}

export interface StateEvent {
  readonly ts: string;
  readonly kind: string;
  readonly proxy: string;
  readonly server: string | null;
}

export const STATE_LEGEND = [
  { color: '#c0392b', shape: 'circle', text: 'server DOWN' },
  { color: '#27ae60', shape: 'circle', text: 'server UP' },
  { color: '#7d3c98', shape: 'square', text: 'backend has no server available' },
] as const;

/**
 * Server DOWN/UP on a time line, one row per server; a backend's "no server available" in a row of its own named
 * after the backend (never an empty server name). The legend is the STATE_LEGEND, drawn by the page.
 */
export function stateTimeline(events: readonly StateEvent[], since: string, until: string, label: string): string {
  const rowName = (e: StateEvent): string => (e.server ? `${e.proxy}/${e.server}` : `${e.proxy} (backend)`);
  const rows = [...new Set(events.map(rowName))].sort();
  const width = 1100;
  const row = 24;
  const labelW = Math.min(320, Math.max(100, ...rows.map((r) => textWidth(r) + 14)));
  const left = labelW;
  const right = 16;
  const height = rows.length * row + 48;
  const t0 = Date.parse(since);
  const t1 = Math.max(Date.parse(until), t0 + 1000);
  const x = scaleLinear().domain([t0, t1]).range([left + 6, width - right - 6]).clamp(true);
  let body = '';
  rows.forEach((r, i) => {
    body += text(0, i * row + 16, fit(r, labelW - 10)) + line(left, i * row + 12, width - right, i * row + 12, '#e5e5e5');
  });
  for (const e of events) {
    const cy = rows.indexOf(rowName(e)) * row + 12;
    const cx = x(Date.parse(e.ts));
    const title = `<title>${escapeHtml(`${e.ts.replace('T', ' ').replace('Z', '')} UTC ${e.kind} ${rowName(e)}`)}</title>`;
    if (e.kind === 'backend.no-server') body += `<rect x="${fx(cx - 5)}" y="${fx(cy - 5)}" width="10" height="10" fill="${STATE_LEGEND[2].color}">${title}</rect>`;
    else body += `<circle cx="${fx(cx)}" cy="${fx(cy)}" r="5" fill="${e.kind.endsWith('down') ? STATE_LEGEND[0].color : STATE_LEGEND[1].color}">${title}</circle>`;
  }
  body += timeAxis(t0, t1, left, width - right, rows.length * row + 2, 'event time');
  return frame(width, height, body, label);
}
