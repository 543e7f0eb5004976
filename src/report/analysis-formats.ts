/**
 * The analysis as text (findings first, worst first, plain words), markdown (for tickets and chat) or JSON
 * (the stable contract). One map of formatters; logged strings go through displayText / escapeMarkdown.
 */
import type { Analysis, Finding } from '../diagnose/analyze.js';
import { displayText, jsonForTerminal } from '../text/display-text.js';
import { accountingText, scopeText } from '../diagnose/scope-text.js';

export const ANALYSIS_FORMATS = ['text', 'markdown', 'json'] as const;
export type AnalysisFormat = (typeof ANALYSIS_FORMATS)[number];

const MARK: Record<Finding['severity'], string> = { critical: '!!', warning: '! ', info: '  ' };

/** Markdown: our prose with its code spans kept, logged values escaped where Markdown would act on them. */
export { markdownCode, markdownText as escapeMarkdown } from './markdown-text.js';
import { markdownCode, markdownText } from './markdown-text.js';

/**
 * What to say when there is no finding: "no problem" only when sessions were understood; an empty scope is not
 * a healthy one (rejected lines are a finding of their own, so they never land here).
 */
export function noFindingText(a: Analysis): string {
  return a.summary.sessions > 0 ? `No problem found in ${a.summary.sessions} sessions.` : 'No session in scope: nothing to diagnose.';
}

function text(a: Analysis): string {
  const s = a.summary;
  const out: string[] = [];
  out.push(`wsdiag: ${s.sessions} sessions (${s.upgrades} upgraded), ${s.events} events, ${s.rejects} rejected lines, from ${s.from ?? '-'} to ${s.to ?? '-'}`);
  out.push(`scope: ${displayText(scopeText(a.scope, s.accounting))}`);
  out.push(`lines: ${accountingText(s.accounting)}`);
  out.push('');
  if (a.findings.length === 0) out.push(noFindingText(a));
  for (const f of a.findings) {
    out.push(`${MARK[f.severity]} ${displayText(f.title)}`);
    if (f.detail) out.push(`   ${displayText(f.detail)}`);
    if (f.advice) out.push(`   → ${displayText(f.advice)}`);
  }
  if (a.errors.length) {
    out.push('', 'Failures (status cause backend/server count first…last)');
    for (const e of a.errors) {
      out.push(`  ${String(e.status ?? '-').padEnd(4)} ${e.cause.padEnd(22)} ${displayText(`${e.backend}/${e.server}`).padEnd(24)} ${String(e.count).padStart(6)}  ${e.first ?? ''} … ${e.last ?? ''}`);
      for (const line of e.evidence.slice(0, 1)) out.push(`       e.g. ${displayText(line)}`);
    }
  }
  if (a.tunnels.length) {
    out.push('', 'Tunnel durations (backend count p50 p90 p99 max, ms)');
    for (const t of a.tunnels) out.push(`  ${displayText(t.backend).padEnd(24)} ${String(t.count).padStart(6)} ${[t.p50_ms, t.p90_ms, t.p99_ms, t.max_ms].map((v) => String(v).padStart(8)).join(' ')}`);
  }
  if (a.lint.length) {
    out.push('', 'Configuration (backends the logs show upgrading)');
    for (const l of a.lint) {
      out.push(`  ${l.severity.padEnd(7)} ${displayText(`${l.where.file}:${l.where.line}`)}: ${displayText(l.message)} [${l.rule}]`);
      out.push(`          ${displayText(l.why)}`, `          → ${displayText(l.fix)}`);
    }
  }
  return out.join('\n') + '\n';
}

/** A finding as a list item: severity, title, then detail and advice on lines of their own (hard breaks). */
export function markdownFinding(f: Finding): string {
  return `- **${f.severity}** ${markdownText(f.title)}  \n  ${markdownText(f.detail)}${f.advice ? `  \n  → ${markdownText(f.advice)}` : ''}`;
}

function markdown(a: Analysis): string {
  const s = a.summary;
  const out: string[] = [
    '# wsdiag analysis', '',
    `${s.sessions} sessions (${s.upgrades} upgraded), ${s.events} events, ${s.rejects} rejected lines; ${markdownText(s.from ?? '-')} – ${markdownText(s.to ?? '-')}`, '',
    `Scope: ${markdownText(scopeText(a.scope, s.accounting))}.  `, `Lines: ${markdownText(accountingText(s.accounting))}.`,
    '', '## Findings', '',
  ];
  if (a.findings.length === 0) out.push(noFindingText(a));
  for (const f of a.findings) out.push(markdownFinding(f));
  const cell = (v: unknown) => markdownCode(v, { table: true });
  if (a.errors.length) {
    out.push('', '## Failures', '', '| status | cause | backend | server | count | first | last |', '|--:|---|---|---|--:|---|---|');
    for (const e of a.errors) out.push(`| ${e.status ?? '-'} | ${e.cause} | ${cell(e.backend)} | ${cell(e.server)} | ${e.count} | ${e.first ?? ''} | ${e.last ?? ''} |`);
  }
  if (a.tunnels.length) {
    out.push('', '## Tunnel durations (ms)', '', '| backend | count | p50 | p90 | p99 | max |', '|---|--:|--:|--:|--:|--:|');
    for (const t of a.tunnels) out.push(`| ${cell(t.backend)} | ${t.count} | ${t.p50_ms} | ${t.p90_ms} | ${t.p99_ms} | ${t.max_ms} |`);
  }
  if (a.lint.length) {
    out.push('', '## Configuration', '', 'For the backends the logs show upgrading.', '');
    for (const l of a.lint) out.push(`- **${l.severity}** ${markdownCode(`${l.where.file}:${l.where.line}`)}: ${markdownText(l.message)}  \n  ${markdownText(l.why)}  \n  → ${markdownText(l.fix)}`);
  }
  return out.join('\n') + '\n';
}

/** Where the output goes: JSON written to a terminal has its logged text escaped (src/text/display-text.ts). */
export interface AnalysisOutput {
  readonly terminal: boolean;
}

export const formatAnalysis: Record<AnalysisFormat, (a: Analysis, output?: AnalysisOutput) => string> = {
  text,
  markdown,
  json: (a, output) => {
    const json = JSON.stringify(a, null, 2) + '\n';
    return output?.terminal ? jsonForTerminal(json) : json;
  },
};
