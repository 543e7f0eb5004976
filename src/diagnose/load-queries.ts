/**
 * The diagnoses are SQL files in queries/, one per file, each with a header that says what it is and, for those
 * that find something, how to say it (lnav keeps a report's SQL and its wording in one script the same way):
 *
 *   -- @name, -- @title, -- @description (continues on `--   ` lines), -- @param a, b, -- @kind setup|rows|drill
 *   -- @section errors      where `analyze` puts its rows (errors, disconnects, sticky, tunnels, events,
 *                           summary, details); a query without it is not part of the analysis
 *   -- @fields a, b, c      the columns its rows carry into that section (the others only feed the wording);
 *                           a missing one fails loudly
 *   -- @finding failure     each row (where the @when column is true) is a finding of this kind…
 *   -- @rank 20             …listed in this order among findings of one severity (lower first)
 *   -- @id backend, server  …whose identity is its kind and these columns' values (never counts)
 *   -- @when has_finding
 *   -- @severity, @headline, @detail, @advice   templates (finding-template.ts); a variant for some rows:
 *   -- @advice[cause=timeout.server] …
 *
 * A `setup` file defines macros; a `rows` file is the rows of one drill-down and a `drill` file an operation over
 * them (page, count, search) that reads them as `drill`. This loads and checks them; run-query.ts binds their
 * parameters.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseTemplate, templateColumns, type Template } from './finding-template.js';

/** One wording of a finding's part, for every row or for the rows where `column` equals `value`. */
export interface TemplateVariant {
  readonly column: string | null;
  readonly value: string | null;
  readonly template: Template;
}

export interface FindingSpec {
  readonly kind: string;
  readonly rank: number;
  readonly id: readonly string[];
  readonly when: string | null;
  readonly severity: readonly TemplateVariant[];
  readonly headline: readonly TemplateVariant[];
  readonly detail: readonly TemplateVariant[];
  readonly advice: readonly TemplateVariant[];
}

export const SECTIONS = ['summary', 'errors', 'disconnects', 'sticky', 'tunnels', 'events', 'details'] as const;
export type Section = (typeof SECTIONS)[number];

const KINDS = ['setup', 'rows', 'drill'] as const;
export type QueryKind = (typeof KINDS)[number] | 'diagnosis';

export interface QueryFile {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly params: readonly string[];
  readonly kind: QueryKind;
  readonly section: Section | null;
  readonly fields: readonly string[] | null;
  readonly finding: FindingSpec | null;
  readonly sql: string;
  readonly file: string;
}

/** queries/ at the package root, from src/diagnose (tsx) and dist/diagnose (built) alike. */
export const QUERIES_DIR = fileURLToPath(new URL('../../queries/', import.meta.url));

const TEMPLATE_TAGS = ['severity', 'headline', 'detail', 'advice'] as const;
const TAGS = new Set(['name', 'title', 'description', 'param', 'kind', 'section', 'fields', 'finding', 'rank', 'id', 'when', ...TEMPLATE_TAGS]);

const list = (text: string | undefined): string[] => (text ?? '').split(',').map((p) => p.trim()).filter(Boolean);

export function parseQueryFile(text: string, file: string): QueryFile {
  const entries: { name: string; column: string | null; value: string | null; text: string }[] = [];
  for (const line of text.split('\n')) {
    const tag = /^--\s*@([a-z-]+)(?:\[([a-z_]+)=([^\]]*)\])?\s?(.*)$/.exec(line);
    if (tag) {
      const name = tag[1]!;
      if (!TAGS.has(name)) throw new Error(`${file}: unknown header tag @${name}`);
      if (tag[2] && !(TEMPLATE_TAGS as readonly string[]).includes(name)) throw new Error(`${file}: only templates have variants (@${name}[…])`);
      entries.push({ name, column: tag[2] ?? null, value: tag[3] ?? null, text: tag[4]!.trim() });
    } else if (/^--\s{2,}\S/.test(line) && entries.length) entries[entries.length - 1]!.text += ' ' + line.replace(/^--\s+/, '').trim();
    else if (!line.startsWith('--')) break;
  }
  const header: Record<string, string> = {};
  const variants: Record<string, { column: string | null; value: string | null; text: string }[]> = {};
  for (const e of entries) {
    if ((TEMPLATE_TAGS as readonly string[]).includes(e.name)) (variants[e.name] ??= []).push(e);
    else header[e.name] = e.text;
  }
  const name = header['name'];
  if (!name) throw new Error(`${file}: missing -- @name header`);
  const section = header['section'] ?? null;
  if (section !== null && !(SECTIONS as readonly string[]).includes(section)) throw new Error(`${file}: unknown @section ${section}`);
  let finding: FindingSpec | null = null;
  if (header['finding']) {
    const parts = Object.fromEntries(TEMPLATE_TAGS.map((t) => {
      const vs = (variants[t] ?? []).map((v) => ({ column: v.column, value: v.value, template: parseTemplate(v.text, `${file} @${t}`) }));
      if (!vs.some((v) => v.column === null)) throw new Error(`${file}: a finding needs a plain @${t}`);
      // Variants first, in the order written; the plain one last.
      return [t, [...vs.filter((v) => v.column !== null), ...vs.filter((v) => v.column === null)]];
    })) as Record<(typeof TEMPLATE_TAGS)[number], TemplateVariant[]>;
    finding = {
      kind: header['finding'],
      rank: Number(header['rank'] ?? 50),
      id: list(header['id']),
      when: header['when'] || null,
      ...parts,
    };
  }
  return {
    name,
    title: header['title'] ?? name,
    description: header['description'] ?? '',
    params: list(header['param']),
    kind: KINDS.find((k) => k === header['kind']) ?? 'diagnosis',
    section: section as Section | null,
    fields: header['fields'] ? list(header['fields']) : null,
    finding,
    sql: text,
    file,
  };
}

/** Every column a query's header reads from its rows: what a result must have. */
export function headerColumns(q: QueryFile): string[] {
  const columns = new Set<string>(q.fields ?? []);
  const f = q.finding;
  if (f) {
    for (const c of f.id) columns.add(c);
    if (f.when) columns.add(f.when);
    for (const part of [f.severity, f.headline, f.detail, f.advice]) {
      for (const v of part) {
        if (v.column) columns.add(v.column);
        for (const c of templateColumns(v.template)) columns.add(c);
      }
    }
  }
  columns.delete('advice');
  return [...columns];
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

/** queries/clickhouse/: the ClickHouse twin of each query, same name, same parameters, in ClickHouse's SQL. */
export const CLICKHOUSE_QUERIES_DIR = fileURLToPath(new URL('../../queries/clickhouse/', import.meta.url));

let clickhouseCache: Map<string, QueryFile> | null = null;

/**
 * The queries of a dialect. A ClickHouse twin carries only its name, kind and parameters: its section, fields
 * and finding wording are its DuckDB original's, so the two cannot say different things. The parity test
 * (test/engine/parity.test.ts) holds their results equal.
 */
export function queriesFor(dialect: 'duckdb' | 'clickhouse'): Map<string, QueryFile> {
  const duckdb = loadQueries();
  if (dialect === 'duckdb') return duckdb;
  if (clickhouseCache) return clickhouseCache;
  const twins = new Map<string, QueryFile>();
  for (const [name, twin] of loadQueries(CLICKHOUSE_QUERIES_DIR)) {
    const original = duckdb.get(name);
    if (!original) throw new Error(`queries/clickhouse/${twin.file}: no queries/${name}.sql it is the twin of`);
    twins.set(name, { ...original, params: twin.params, sql: twin.sql, file: `clickhouse/${twin.file}` });
  }
  return (clickhouseCache = twins);
}
