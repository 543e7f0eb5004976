/**
 * The diagnoses are SQL files in queries/, one per file, each with a header:
 *   -- @name, -- @title, -- @description (may continue on `--   ` lines), -- @param a, b, -- @kind setup|rows|drill
 * A `setup` file defines macros; a `rows` file is the rows of one drill-down and a `drill` file an operation over
 * them (page, count, search) that reads them as `drill`. This loads them; run-query.ts binds their parameters.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const KINDS = ['setup', 'rows', 'drill'] as const;
export type QueryKind = (typeof KINDS)[number] | 'diagnosis';

export interface QueryFile {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly params: readonly string[];
  readonly kind: QueryKind;
  readonly sql: string;
  readonly file: string;
}

/** queries/ at the package root, from src/diagnose (tsx) and dist/diagnose (built) alike. */
export const QUERIES_DIR = fileURLToPath(new URL('../../queries/', import.meta.url));

export function parseQueryFile(text: string, file: string): QueryFile {
  const header: Record<string, string> = {};
  let last = '';
  for (const line of text.split('\n')) {
    const tag = /^--\s*@(\w+)\s*(.*)$/.exec(line);
    if (tag) {
      last = tag[1]!;
      header[last] = tag[2]!.trim();
    } else if (/^--\s{2,}\S/.test(line) && last) header[last] += ' ' + line.replace(/^--\s+/, '').trim();
    else if (!line.startsWith('--')) break;
  }
  if (!header['name']) throw new Error(`${file}: missing -- @name header`);
  return {
    name: header['name'],
    title: header['title'] ?? header['name'],
    description: header['description'] ?? '',
    params: (header['param'] ?? '').split(',').map((p) => p.trim()).filter(Boolean),
    kind: KINDS.find((k) => k === header['kind']) ?? 'diagnosis',
    sql: text,
    file,
  };
}

let cache: Map<string, QueryFile> | null = null;

export function loadQueries(dir: string = QUERIES_DIR): Map<string, QueryFile> {
  if (cache && dir === QUERIES_DIR) return cache;
  const queries = new Map<string, QueryFile>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
    const q = parseQueryFile(readFileSync(`${dir}/${file}`, 'utf8'), file);
    queries.set(q.name, q);
  }
  if (dir === QUERIES_DIR) cache = queries;
  return queries;
}
