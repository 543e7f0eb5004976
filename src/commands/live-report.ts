/**
 * Live output without a terminal: a one-line summary per interval (text) or the findings as they change
 * (NDJSON). Pure: data in, lines out; the command prints them.
 */
import type { Finding } from '../diagnose/analyze.js';
import { displayText } from '../text/display-text.js';
import type { ScreenData } from '../diagnose/screen-data.js';

const seconds = (ms: number | null): string => (ms === null ? '-' : `${(ms / 1000).toFixed(1)} s`);

export function summaryLine(data: ScreenData): string {
  const a = data.analysis;
  const live = data.live;
  const fiveXX = a.errors.filter((e) => e.status !== null && e.status >= 500).reduce((n, e) => n + e.count, 0);
  const bySeverity = (s: Finding['severity']): number => a.findings.filter((f) => f.severity === s).length;
  const top = a.findings[0];
  return [
    `${a.summary.to ?? '-'}`,
    live ? `lines ${live.linesRead} (${live.linesPerSecond.toFixed(1)}/s, lag ${seconds(live.lagMs)})` : null,
    live?.heldMs != null ? `only the last ${seconds(live.heldMs)} held (row budget)` : null,
    `sessions ${a.summary.sessions} (${data.rates.sessionsPerSecond.toFixed(1)}/s), upgraded ${a.summary.upgrades}, 5xx ${fiveXX}, rejects ${a.summary.rejects}`,
    `findings ${bySeverity('critical')} critical, ${bySeverity('warning')} warning${top ? `; top: ${displayText(top.title)}` : ''}`,
  ].filter((x) => x !== null).join(' · ') + '\n';
}


/** NDJSON lines for the findings that appeared, changed or went away since the last call, keyed by their id. */
export function createFindingDiff(): (findings: readonly Finding[], at: string | null) => string {
  let previous = new Map<string, string>();
  return (findings, at) => {
    const current = new Map<string, string>();
    for (const f of findings) current.set(f.id, JSON.stringify(f));
    let out = '';
    for (const [key, json] of current) {
      if (previous.get(key) === json) continue;
      out += JSON.stringify({ event: previous.has(key) ? 'changed' : 'new', id: key, key, at, finding: JSON.parse(json) as Finding }) + '\n';
    }
    for (const key of previous.keys()) if (!current.has(key)) out += JSON.stringify({ event: 'resolved', id: key, key, at }) + '\n';
    previous = current;
    return out;
  };
}
