/** Query results as text: one map of formatters, no branching on the format elsewhere. */
import type { QueryResult, SqlValue } from '../store/database.js';
import { displayText, jsonForTerminal } from '../text/display-text.js';

export const ROW_FORMATS = ['table', 'json', 'jsonl', 'csv'] as const;
export type RowFormat = (typeof ROW_FORMATS)[number];

/** Where the rows go: a terminal gets logged text escaped (as the table does); a pipe or file gets it exact. */
export interface RowOutput {
  readonly terminal: boolean;
}

const EXACT: RowOutput = { terminal: false };

/** A cell as text: nested values (lists, structs) as JSON. */
function cellText(value: SqlValue): string {
  if (value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * What a spreadsheet would evaluate as a formula (CSV injection): a leading `=`, `+`, `@`, tab or CR, or `-`
 * followed by a digit or `(` (`-1+1`, `-(…)`). Only those get a `'` in front; anything else, such as HAProxy's
 * termination states `----` and `--NI`, is written exactly as stored.
 */
const FORMULA = /^(?:[=+@\t\r]|-[\d(])/;

function csvCell(value: SqlValue, output: RowOutput): string {
  if (value === null) return '';
  const raw = cellText(value);
  const text = output.terminal ? displayText(raw) : raw;
  const guarded = FORMULA.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(guarded) || guarded !== text ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

/** JSON for a terminal: what JSON.stringify leaves raw and a terminal would act on (DEL, C1, bidi controls) as \u escapes; the same data once parsed. */
const jsonText = (value: unknown, output: RowOutput, indent?: number): string => {
  const json = JSON.stringify(value, null, indent);
  return output.terminal ? jsonForTerminal(json) : json;
};

function table(result: QueryResult): string {
  const cols = result.columns;
  const cells = result.rows.map((row) => cols.map((c) => displayText(cellText(row[c] ?? null))));
  const widths = cols.map((c, i) => Math.min(60, Math.max(displayText(c).length, ...cells.map((r) => r[i]!.length))));
  const fit = (s: string, w: number): string => (s.length > w ? s.slice(0, w - 1) + '…' : s.padEnd(w));
  const line = (values: string[]): string => values.map((v, i) => fit(v, widths[i]!)).join('  ').trimEnd();
  const out = [line(cols.map(displayText)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
  out.push(`(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})`);
  return out.join('\n') + '\n';
}

const jsonl = (result: QueryResult, output: RowOutput): string => result.rows.map((r) => jsonText(r, output)).join('\n') + (result.rows.length ? '\n' : '');
const csvLine = (cells: readonly SqlValue[], output: RowOutput): string => cells.map((c) => csvCell(c, output)).join(',') + '\n';

/** Formats that can be written batch by batch (header first for csv). */
export const STREAMING_ROWS: Partial<Record<RowFormat, { head: (columns: readonly string[], output?: RowOutput) => string; rows: (result: QueryResult, output?: RowOutput) => string }>> = {
  jsonl: { head: () => '', rows: (result, output = EXACT) => jsonl(result, output) },
  csv: {
    head: (columns, output = EXACT) => csvLine(columns, output),
    rows: (result, output = EXACT) => result.rows.map((r) => csvLine(result.columns.map((c) => r[c] ?? null), output)).join(''),
  },
};

export const formatRows: Record<RowFormat, (result: QueryResult, output?: RowOutput) => string> = {
  table,
  json: (result, output = EXACT) => jsonText(result.rows, output, 2) + '\n',
  jsonl: (result, output = EXACT) => jsonl(result, output),
  csv: (result, output = EXACT) => csvLine(result.columns, output) + result.rows.map((r) => csvLine(result.columns.map((c) => r[c] ?? null), output)).join(''),
};
