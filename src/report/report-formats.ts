/**
 * Scheduled reports: markdown (chat and tickets: findings first, small tables, no HTML), one self-contained
 * HTML file (inline CSS and SVG, no script, no network, a strict Content-Security-Policy) and JSON (the analyze
 * contract plus the window, the comparison and the thresholds). One map of formatters.
 */
import type { Figure, ReportData } from '../diagnose/report-data.js';
import type { Finding } from '../diagnose/analyze.js';
import { timeoutMarks } from '../diagnose/duration-buckets.js';
import { formatDuration } from '../text/format-duration.js';
import { markdownFinding, noFindingText } from './analysis-formats.js';
import { accountingText, scopeText } from '../diagnose/scope-text.js';
import { jsonForTerminal } from '../text/display-text.js';
import { markdownCode, markdownText } from './markdown-text.js';
import { escapeHtml, jsonForHtml } from './escape-html.js';
import { causeSmallMultiples, durationHistogram, missRateBars, STATE_LEGEND, stateTimeline } from './svg-charts.js';

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
  const cell = (v: unknown) => markdownCode(v, { table: true });
  const out: string[] = [
    `# wsdiag report ${markdownText(r.window.since ?? '…')} – ${markdownText(r.window.until ?? '…')}`, '',
    `Scope: ${markdownText(scopeText(a.scope, a.summary.accounting))}.  `, `Lines: ${markdownText(accountingText(a.summary.accounting))}.`, '',
  ];
  const crossed = r.thresholds.filter((t) => t.crossed);
  if (crossed.length) {
    out.push('## Thresholds crossed', '');
    for (const t of crossed) out.push(`- ${markdownCode(t.threshold)}: ${markdownText(t.shown)}`);
    out.push('');
  }
  out.push('## Findings', '');
  if (!a.findings.length) out.push(noFindingText(a));
  for (const f of a.findings) out.push(markdownFinding(f));
  out.push('', `${a.summary.sessions} sessions, ${a.summary.upgrades} upgraded, ${a.summary.events} events, ${a.summary.rejects} rejected lines.`);
  if (r.comparison) {
    const worse = r.comparison.figures.filter((f) => f.worse);
    out.push('', `## Compared with ${markdownText(r.comparison.since)} – ${markdownText(r.comparison.until)}`, '');
    if (worse.length) out.push(`Worse: ${worse.map((f) => markdownText(f.name)).join(', ')}.`, '');
    out.push('| figure | now | before | change |', '|---|--:|--:|--:|');
    for (const f of r.comparison.figures) out.push(`| ${f.worse ? '**' : ''}${markdownText(f.name, { table: true })}${f.worse ? '**' : ''} | ${figureValue(f.name, f.current)} | ${figureValue(f.name, f.previous)} | ${delta(f)} |`);
  }
  if (a.errors.length) {
    out.push('', '## Failures', '', '| status | cause | backend/server | count | last |', '|--:|---|---|--:|---|');
    for (const e of a.errors.slice(0, 20)) out.push(`| ${e.status ?? '–'} | ${e.cause} | ${cell(`${e.backend}/${e.server}`)} | ${e.count} | ${e.last ?? ''} |`);
  }
  if (a.tunnels.length) {
    out.push('', '## Tunnel durations (ms)', '', '| backend | count | p50 | p90 | p99 | max |', '|---|--:|--:|--:|--:|--:|');
    for (const t of a.tunnels) out.push(`| ${cell(t.backend)} | ${t.count} | ${t.p50_ms} | ${t.p90_ms} | ${t.p99_ms} | ${t.max_ms} |`);
  }
  if (a.sticky.length) {
    out.push('', '## Sticky sessions', '', '| backend | method | connections | misses | miss rate |', '|---|---|--:|--:|--:|');
    for (const s of a.sticky) out.push(`| ${cell(s.backend)} | ${s.method} | ${s.connections} | ${s.misses} | ${pct(s.miss_rate)} |`);
  }
  if (a.lint.length) {
    out.push('', '## Configuration', '', 'For the backends the logs show upgrading.', '');
    for (const l of a.lint) out.push(`- **${l.severity}** ${markdownCode(`${l.where.file}:${l.where.line}`)}: ${markdownText(l.message)}  \n  → ${markdownText(l.fix)}`);
  }
  return out.join('\n') + '\n';
}

const CSS = `
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;max-width:1160px;color:#222;padding:1em 1.5em}
h1{font-size:1.45em;margin:0}h2{font-size:1.1em;margin:1.4em 0 .4em;border-bottom:1px solid #ddd;padding-bottom:.2em}
h3{font-size:1em;margin:.2em 0}.meta{color:#666}
header{border-bottom:2px solid #333;padding-bottom:.6em}
.window{margin:.1em 0 .5em;color:#444}
.totals{display:flex;flex-wrap:wrap;gap:.4em 1.6em;margin:.3em 0 .6em}.totals div{white-space:nowrap}.totals b{font-size:1.25em}
.worst{list-style:none;margin:0;padding:0}.worst li{white-space:nowrap;overflow:hidden;text-overflow:ellipsis;padding:.12em 0}
.sev{display:inline-block;min-width:5.2em;font-size:.8em;font-weight:600;text-transform:uppercase;color:#fff;padding:0 .4em;margin-right:.5em;border-radius:3px;text-align:center}
.sev.critical{background:#c0392b}.sev.warning{background:#d68910}.sev.info{background:#7f8c8d}
.crossed{background:#fdecea;border-left:4px solid #c0392b;padding:.3em 1em;margin:.4em 0}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:.6em 1.4em}
.finding{margin:.5em 0;padding:.3em .8em;border-left:4px solid #999}.finding.critical{border-color:#c0392b}.finding.warning{border-color:#d68910}.finding.info{border-color:#7f8c8d}
.finding b{display:block}.advice{color:#1d6b3a}
details{margin:.4em 0}summary{cursor:pointer;font-weight:600}
table{border-collapse:collapse;width:100%;margin:.5em 0}
th,td{border-bottom:1px solid #eee;padding:.25em .5em;text-align:left;vertical-align:top}td.n,th.n{text-align:right}
.worse{color:#c0392b;font-weight:600}.legend{font-size:12px;margin:.2em 0 .8em}.key{margin-right:1.2em;white-space:nowrap}
.key i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:-1px}.key i.circle{border-radius:50%}
code,.raw{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}`;

const SEVERITIES: readonly Finding['severity'][] = ['critical', 'warning', 'info'];
const iso = (t: string): string => (t.includes('T') ? t : `${t.replace(' ', 'T')}Z`);
const spanText = (since: string | null, until: string | null): string => {
  if (!since || !until) return 'all the data';
  const a = iso(since).replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
  const b = iso(until).replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
  return `${a} – ${a.slice(0, 10) === b.slice(0, 10) ? b.slice(11) : b} UTC`;
};

/** Escaped text with our `code spans` shown as code (the advice quotes directives that way). */
const prose = (value: unknown): string => escapeHtml(value).replace(/&#96;([^<>\n]+?)&#96;/g, '<code>$1</code>');

function html(r: ReportData): string {
  const a = r.analysis;
  const e = escapeHtml;
  const s = a.summary;
  const failed = a.errors.filter((x) => x.status !== null && x.status >= 500).reduce((n, x) => n + x.count, 0);
  const parts: string[] = [];

  // The incident first: the window, the totals, the three worst findings in a line each.
  const lengthMs = r.window.since && r.window.until ? Date.parse(iso(r.window.until)) - Date.parse(iso(r.window.since)) : null;
  const totals: [string, string][] = [
    ['sessions', String(s.sessions)], ['upgraded', String(s.upgrades)], ['5xx', String(failed)],
    ['findings', String(a.findings.length)], ['server events', String(s.events)], ['rejected lines', String(s.rejects)],
  ];
  const crossed = r.thresholds.filter((t) => t.crossed);
  parts.push(`<header><h1>WebSocket incident report</h1>
<p class="window">${e(spanText(r.window.since, r.window.until))}${lengthMs !== null ? ` <span class="meta">(${e(formatDuration(lengthMs))})</span>` : ''}</p>
<div class="totals">${totals.map(([k, v]) => `<div><b>${e(v)}</b> ${e(k)}</div>`).join('')}</div>
${crossed.length ? `<div class="crossed"><b>Thresholds crossed:</b> ${crossed.map((t) => `<code>${e(t.threshold)}</code> (${e(t.shown)})`).join(', ')}</div>` : ''}
${a.findings.length ? `<ol class="worst">${a.findings.slice(0, 3).map((f) => `<li title="${e(f.title)}"><span class="sev ${e(f.severity)}">${e(f.severity)}</span>${e(f.title)}</li>`).join('')}</ol>` : `<p>${e(noFindingText(a))}</p>`}
<p class="meta">Scope: ${e(scopeText(a.scope, s.accounting))}.<br>Lines: ${e(accountingText(s.accounting))}.</p>
</header>`);

  // Charts.
  if (r.series.length && r.window.since && r.window.until) {
    const counts = new Map<string, Map<number, number>>();
    for (const x of r.series) {
      const m = counts.get(x.cause) ?? new Map<number, number>();
      m.set(Date.parse(iso(x.bucket)), x.count);
      counts.set(x.cause, m);
    }
    const bucketMs = r.bucketSeconds * 1000;
    const from = Math.floor(Date.parse(iso(r.window.since)) / bucketMs) * bucketMs;
    parts.push(`<h2>Failures by cause over time</h2>${causeSmallMultiples({ from, to: Date.parse(iso(r.window.until)), bucketMs, counts }, 'failures by cause over time')}`);
  } else {
    parts.push('<h2>Failures by cause over time</h2><p>No failure in this window.</p>');
  }
  if (a.tunnels.length) {
    parts.push('<h2>Tunnel durations</h2><div class="grid">');
    for (const t of a.tunnels) {
      const marks = timeoutMarks(t.backend, r.timeouts, a.disconnects);
      parts.push(`<div><h3>${e(t.backend)} <span class="meta">${t.count} tunnels · p50 ${e(formatDuration(t.p50_ms))} · p90 ${e(formatDuration(t.p90_ms))} · p99 ${e(formatDuration(t.p99_ms))} · max ${e(formatDuration(t.max_ms))}</span></h3>${durationHistogram(t.histogram, marks, `tunnel durations of ${t.backend}`)}</div>`);
    }
    parts.push('</div>');
  }
  if (a.sticky.length) {
    parts.push(`<h2>Sticky-session miss rate</h2>${missRateBars(a.sticky.map((x) => ({ label: `${x.backend} (${x.method})`, value: x.miss_rate, text: `${pct(x.miss_rate)} of ${x.connections}` })), 'sticky miss rate per backend')}`);
  }
  const stateEvents = a.events.filter((x) => /^(server\.(down|up)|backend\.no-server)$/.test(String(x['kind'])) && x['ts'] && x['proxy'])
    .map((x) => ({ ts: iso(String(x['ts'])), kind: String(x['kind']), proxy: String(x['proxy']), server: x['server'] === null || x['server'] === undefined || x['server'] === '' ? null : String(x['server']) }));
  if (stateEvents.length && r.window.since && r.window.until) {
    const legend = STATE_LEGEND.map((l) => `<span class="key"><i class="${l.shape}" style="background:${l.color}"></i>${e(l.text)}</span>`).join('');
    parts.push(`<h2>Server DOWN/UP events</h2>${stateTimeline(stateEvents, iso(r.window.since), iso(r.window.until), 'server state changes')}<div class="legend">${legend}</div>`);
  }

  // The details: every finding, by severity, each group folded but the critical one.
  parts.push('<h2>Findings</h2>');
  if (!a.findings.length) parts.push(`<p>${e(noFindingText(a))}</p>`);
  for (const severity of SEVERITIES) {
    const group = a.findings.filter((f) => f.severity === severity);
    if (!group.length) continue;
    parts.push(`<details${severity === 'critical' ? ' open' : ''}><summary>${group.length} ${e(severity)}</summary>${group.map((f) => `<div class="finding ${e(f.severity)}"><b>${prose(f.title)}</b>${prose(f.detail)}${f.advice ? `<div class="advice">→ ${prose(f.advice)}</div>` : ''}</div>`).join('')}</details>`);
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
