/**
 * Scheduled reports: markdown (chat and tickets: findings first, small tables, no HTML), one self-contained
 * HTML file (inline CSS and SVG, no script, no network, a strict Content-Security-Policy) and JSON (the analyze
 * contract plus the window, the comparison and the thresholds). One map of formatters.
 */
import type { Figure, ReportData } from '../diagnose/report-data.js';
import { escapeMarkdown, noFindingText } from './analysis-formats.js';
import { escapeHtml, jsonForHtml } from './escape-html.js';
import { accountingText, scopeText } from './scope-text.js';
import { jsonForTerminal } from '../text/display-text.js';
import { durationHistogram, eventTimeline, horizontalBars, stackedBars } from './svg-charts.js';

export const REPORT_FORMATS = ['markdown', 'html', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const pct = (v: number): string => `${(v * 100).toFixed(2)} %`;
const isRate = (name: string): boolean => name.includes('rate');
const figureValue = (name: string, v: number | null): string => (v === null ? '–' : isRate(name) ? pct(v) : String(Math.round(v * 100) / 100));

function delta(f: Figure): string {
  if (f.previous === null) return 'new';
  const d = f.current - f.previous;
  if (d === 0) return '=';
  return `${d > 0 ? '+' : ''}${isRate(f.name) ? `${(d * 100).toFixed(2)} pt` : Math.round(d * 100) / 100}`;
}

function markdown(r: ReportData): string {
  const a = r.analysis;
  const out: string[] = [
    `# wsdiag report ${escapeMarkdown(r.window.since ?? '…')} – ${escapeMarkdown(r.window.until ?? '…')}`, '',
    `Scope: ${escapeMarkdown(scopeText(a.scope, a.summary.accounting))}.  `, `Lines: ${escapeMarkdown(accountingText(a.summary.accounting))}.`, '',
  ];
  const crossed = r.thresholds.filter((t) => t.crossed);
  if (crossed.length) {
    out.push('## Thresholds crossed', '');
    for (const t of crossed) out.push(`- **${escapeMarkdown(t.threshold)}**: ${escapeMarkdown(t.shown)}`);
    out.push('');
  }
  out.push('## Findings', '');
  if (!a.findings.length) out.push(noFindingText(a));
  for (const f of a.findings) out.push(`- **${f.severity}** ${escapeMarkdown(f.title)}  \n  ${escapeMarkdown(f.detail)}${f.advice ? `  \n  → ${escapeMarkdown(f.advice)}` : ''}`);
  out.push('', `${a.summary.sessions} sessions, ${a.summary.upgrades} upgraded, ${a.summary.events} events, ${a.summary.rejects} rejected lines.`);
  if (r.comparison) {
    const worse = r.comparison.figures.filter((f) => f.worse);
    out.push('', `## Compared with ${escapeMarkdown(r.comparison.since)} – ${escapeMarkdown(r.comparison.until)}`, '');
    if (worse.length) out.push(`Worse: ${worse.map((f) => escapeMarkdown(f.name)).join(', ')}.`, '');
    out.push('| figure | now | before | change |', '|---|--:|--:|--:|');
    for (const f of r.comparison.figures) out.push(`| ${f.worse ? '**' : ''}${escapeMarkdown(f.name)}${f.worse ? '**' : ''} | ${figureValue(f.name, f.current)} | ${figureValue(f.name, f.previous)} | ${delta(f)} |`);
  }
  if (a.errors.length) {
    out.push('', '## Failures', '', '| status | cause | backend/server | count | last |', '|--:|---|---|--:|---|');
    for (const e of a.errors.slice(0, 20)) out.push(`| ${e.status ?? '–'} | ${escapeMarkdown(e.cause)} | ${escapeMarkdown(`${e.backend}/${e.server}`)} | ${e.count} | ${escapeMarkdown(e.last)} |`);
  }
  if (a.tunnels.length) {
    out.push('', '## Tunnel durations (ms)', '', '| backend | count | p50 | p90 | p99 | max |', '|---|--:|--:|--:|--:|--:|');
    for (const t of a.tunnels) out.push(`| ${escapeMarkdown(t.backend)} | ${t.count} | ${t.p50_ms} | ${t.p90_ms} | ${t.p99_ms} | ${t.max_ms} |`);
  }
  if (a.sticky.length) {
    out.push('', '## Sticky sessions', '', '| backend | method | connections | misses | miss rate |', '|---|---|--:|--:|--:|');
    for (const s of a.sticky) out.push(`| ${escapeMarkdown(s.backend)} | ${s.method} | ${s.connections} | ${s.misses} | ${pct(s.miss_rate)} |`);
  }
  if (a.lint.length) {
    out.push('', '## Configuration', '', 'For the backends the logs show upgrading.', '');
    for (const l of a.lint) out.push(`- **${l.severity}** ${escapeMarkdown(`${l.where.file}:${l.where.line}`)}: ${escapeMarkdown(l.message)}  \n  → ${escapeMarkdown(l.fix)}`);
  }
  return out.join('\n') + '\n';
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:900px;color:#222;padding:0 1em}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.meta{color:#666}.crossed{background:#fdecea;border-left:4px solid #c0392b;padding:.5em 1em}
.finding{margin:.6em 0;padding:.4em .8em;border-left:4px solid #999}.critical{border-color:#c0392b}.warning{border-color:#e67e22}.info{border-color:#7f8c8d}
.finding b{display:block}.advice{color:#1d6b3a}table{border-collapse:collapse;width:100%;margin:.5em 0}
th,td{border-bottom:1px solid #eee;padding:.25em .5em;text-align:left;vertical-align:top}td.n,th.n{text-align:right}
.worse{color:#c0392b;font-weight:600}.legend{font-size:12px;margin:.2em 0 1em}.key{margin-right:1em}.key i{display:inline-block;width:10px;height:10px;margin-right:4px}
code,.raw{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}`;

function html(r: ReportData): string {
  const a = r.analysis;
  const e = escapeHtml;
  const parts: string[] = [];
  parts.push(`<h1>WebSocket report</h1><p class="meta">${e(r.window.since ?? '…')} – ${e(r.window.until ?? '…')} · ${a.summary.sessions} sessions, ${a.summary.upgrades} upgraded, ${a.summary.events} events, ${a.summary.rejects} rejected lines</p>`);
  parts.push(`<p class="meta">Scope: ${e(scopeText(a.scope, a.summary.accounting))}.<br>Lines: ${e(accountingText(a.summary.accounting))}.</p>`);
  const crossed = r.thresholds.filter((t) => t.crossed);
  if (crossed.length) parts.push(`<div class="crossed"><b>Thresholds crossed</b><ul>${crossed.map((t) => `<li><code>${e(t.threshold)}</code>: ${e(t.shown)}</li>`).join('')}</ul></div>`);
  parts.push('<h2>Findings</h2>');
  parts.push(a.findings.length ? a.findings.map((f) => `<div class="finding ${e(f.severity)}"><b>${e(f.title)}</b>${e(f.detail)}${f.advice ? `<div class="advice">→ ${e(f.advice)}</div>` : ''}</div>`).join('') : `<p>${e(noFindingText(a))}</p>`);

  // 5xx and failures by cause over time.
  const buckets = [...new Set(r.series.map((s) => s.bucket))].sort();
  const stacks = new Map<string, number[]>();
  for (const s of r.series) {
    const row = stacks.get(s.cause) ?? buckets.map(() => 0);
    row[buckets.indexOf(s.bucket)] = s.count;
    stacks.set(s.cause, row);
  }
  parts.push(`<h2>Failures by cause over time</h2>${buckets.length ? stackedBars({ buckets, stacks }, 'failures by cause over time') : '<p>No failure in this window.</p>'}`);

  if (a.tunnels.length) {
    parts.push('<h2>Tunnel durations</h2>');
    for (const t of a.tunnels) {
      const marks = r.timeouts.filter((x) => x.backend === t.backend && x.name === 'tunnel').map((x) => ({ label: `timeout tunnel ${x.text}`, ms: x.ms }));
      const fallback = marks.length ? [] : r.timeouts.filter((x) => x.backend === t.backend && x.name === 'server').map((x) => ({ label: `timeout server ${x.text}`, ms: x.ms }));
      const clusters = a.disconnects.filter((d) => d.backend === t.backend && d.timeout).map((d) => ({ label: `${d.timeout!.directive} (${d.count} cut)`, ms: d.timeout!.value_ms }));
      const seen = new Set<number>();
      const all = [...marks, ...fallback, ...clusters].filter((m) => (seen.has(m.ms) ? false : (seen.add(m.ms), true)));
      parts.push(`<h3>${e(t.backend)} <span class="meta">${t.count} tunnels · p50 ${t.p50_ms} ms · p90 ${t.p90_ms} ms · p99 ${t.p99_ms} ms · max ${t.max_ms} ms</span></h3>${durationHistogram(t.histogram, all, `tunnel durations of ${t.backend}`)}`);
    }
  }
  if (a.sticky.length) {
    parts.push(`<h2>Sticky-session miss rate</h2>${horizontalBars(a.sticky.map((s) => ({ label: `${s.backend} (${s.method})`, value: s.miss_rate, text: `${pct(s.miss_rate)} of ${s.connections}` })), 'sticky miss rate per backend')}`);
  }
  const stateEvents = a.events.filter((x) => /^(server\.(down|up)|backend\.no-server)$/.test(String(x['kind'])) && x['ts']).map((x) => ({ ts: String(x['ts']), kind: String(x['kind']), proxy: String(x['proxy']), server: x['server'] === null ? null : String(x['server']) }));
  if (stateEvents.length && r.window.since && r.window.until) {
    const iso = (t: string): string => (t.includes('T') ? t : `${t.replace(' ', 'T')}Z`);
    parts.push(`<h2>Server DOWN/UP events</h2>${eventTimeline(stateEvents, iso(r.window.since), iso(r.window.until), 'server state changes')}`);
  }
  if (r.comparison) {
    parts.push(`<h2>Compared with ${e(r.comparison.since)} – ${e(r.comparison.until)}</h2><table><tr><th>figure</th><th class="n">now</th><th class="n">before</th><th class="n">change</th></tr>${r.comparison.figures.map((f) => `<tr class="${f.worse ? 'worse' : ''}"><td>${e(f.name)}</td><td class="n">${e(figureValue(f.name, f.current))}</td><td class="n">${e(figureValue(f.name, f.previous))}</td><td class="n">${e(delta(f))}</td></tr>`).join('')}</table>`);
  }
  if (a.errors.length) {
    parts.push(`<h2>Failures</h2><table><tr><th class="n">status</th><th>cause</th><th>backend/server</th><th class="n">count</th><th>first – last</th></tr>${a.errors.map((x) => `<tr><td class="n">${e(x.status ?? '–')}</td><td>${e(x.cause)}</td><td>${e(`${x.backend}/${x.server}`)}</td><td class="n">${x.count}</td><td>${e(x.first)} – ${e(x.last)}${x.evidence[0] ? `<div class="raw">${e(x.evidence[0])}</div>` : ''}</td></tr>`).join('')}</table>`);
  }
  if (a.lint.length) {
    parts.push(`<h2>Configuration</h2><p class="meta">For the backends the logs show upgrading.</p>${a.lint.map((l) => `<div class="finding ${l.severity === 'error' ? 'critical' : l.severity}"><b>${e(`${l.where.file}:${l.where.line}`)}: ${e(l.message)}</b>${e(l.why)}<div class="advice">→ ${e(l.fix)}</div></div>`).join('')}`);
  }
  // The data, for whoever wants to reuse it; inert JSON, `<` escaped.
  const data = `<script type="application/json" id="wsdiag-data">${jsonForHtml({ window: r.window, summary: a.summary, thresholds: r.thresholds })}</script>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>wsdiag report</title><style>${CSS}</style></head>
<body>${parts.join('\n')}
${data}
</body></html>
`;
}

/** Where the report goes: JSON written to a terminal has its logged text escaped (src/text/display-text.ts). */
export interface ReportOutput {
  readonly terminal: boolean;
}

export const formatReport: Record<ReportFormat, (r: ReportData, output?: ReportOutput) => string> = {
  markdown,
  html,
  json: (r, output) => {
    const json = JSON.stringify({ ...r.analysis, window: r.window, comparison: r.comparison, thresholds: r.thresholds }, null, 2) + '\n';
    return output?.terminal ? jsonForTerminal(json) : json;
  },
};
