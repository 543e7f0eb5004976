/** Query results as text: one map of formatters, no branching on the format elsewhere. */
import type { QueryResult, SqlValue } from '../store/database.js';
import { displayText } from '../text/display-text.js';

export const ROW_FORMATS = ['table', 'json', 'jsonl', 'csv'] as const;
export type RowFormat = (typeof ROW_FORMATS)[number];

/** A cell as text: nested values (lists, structs) as JSON. */
function cellText(value: SqlValue): string {
  if (value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function csvCell(value: SqlValue): string {
  if (value === null) return '';
  const text = cellText(value);
  // A leading = + - @ makes spreadsheets evaluate the cell; quote it (CSV injection).
  const guarded = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(guarded) || guarded !== text ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

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

/** Formats that can be written batch by batch (header first for csv). */
export const STREAMING_ROWS: Partial<Record<RowFormat, { head: (columns: readonly string[]) => string; rows: (result: QueryResult) => string }>> = {
  jsonl: { head: () => '', rows: (result) => result.rows.map((r) => JSON.stringify(r)).join('\n') + (result.rows.length ? '\n' : '') },
  csv: {
    head: (columns) => columns.map((c) => csvCell(c)).join(',') + '\n',
    rows: (result) => result.rows.map((r) => result.columns.map((c) => csvCell(r[c] ?? null)).join(',') + '\n').join(''),
  },
};

export const formatRows: Record<RowFormat, (result: QueryResult) => string> = {
  table,
  json: (result) => JSON.stringify(result.rows, null, 2) + '\n',
  jsonl: (result) => result.rows.map((r) => JSON.stringify(r)).join('\n') + (result.rows.length ? '\n' : ''),
  csv: (result) => [result.columns.map((c) => csvCell(c)).join(','), ...result.rows.map((r) => result.columns.map((c) => csvCell(r[c] ?? null)).join(','))].join('\n') + '\n',
};
