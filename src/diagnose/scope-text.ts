/**
 * What an analysis covers, in words, for the header of every report: which database and inputs, which window
 * and backend, and the accounting of the lines read (so that figures can be reconciled). Pure.
 */
import type { Accounting, AnalysisScope } from './analyze.js';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `everything in ws.duckdb (3 ingest runs), not only this run's inputs (--only-inputs for those); all backends; all time`. */
export function scopeText(scope: AnalysisScope, accounting: Accounting): string {
  const inputs = scope.inputs.join(', ');
  const what = scope.database === null ? `this run's inputs${inputs ? `: ${inputs}` : ''}`
    : scope.only_inputs ? `only this run's inputs${inputs ? ` (${inputs})` : ''} in ${scope.database}`
    : `everything in ${scope.database} (${plural(accounting.ingests, 'ingest run')})${inputs ? `, not only this run's inputs (--only-inputs for those)` : ''}`;
  const window = scope.since || scope.until ? `from ${scope.since ?? 'the start'} to ${scope.until ?? 'the end'}` : 'all time';
  return `${what}; ${scope.backend === null ? 'all backends' : `backend ${scope.backend}`}; ${window}`;
}

/** `67 lines read = 45 sessions + 22 events + 0 rejects + 0 blank + 0 already ingested + 0 rolled back`. */
export function accountingText(a: Accounting): string {
  return `${plural(a.lines_read, 'line')} read = ${plural(a.sessions, 'session')} + ${plural(a.events, 'event')} + ${plural(a.rejects, 'reject')} + ${a.blank} blank` +
    ` + ${a.already_ingested} already ingested + ${a.rolled_back} rolled back`;
}

/** The same, short, for a status line: `130 lines = 100 sessions + 2 events + 1 reject + 17 blank + 10 already ingested` (zero tails left out). */
export function accountingShort(a: Accounting): string {
  return `${plural(a.lines_read, 'line')} = ${plural(a.sessions, 'session')} + ${plural(a.events, 'event')} + ${plural(a.rejects, 'reject')} + ${a.blank} blank` +
    `${a.already_ingested ? ` + ${a.already_ingested} already ingested` : ''}${a.rolled_back ? ` + ${a.rolled_back} rolled back` : ''}`;
}
