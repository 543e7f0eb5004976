/**
 * Runs the diagnoses in queries/ and assembles the analysis: the stable JSON contract that the text, markdown
 * and JSON reports (and scheduled jobs) read. Each query's header says which section its rows fill and how its
 * findings read (load-queries.ts); this only runs them in one scope and puts the pieces together. Returns data;
 * never prints.
 */
import type { QueryEngine } from '../engine/query-engine.js';
import { createHash } from 'node:crypto';
import { lintConfig, type LintFinding } from '../config/lint-config.js';
import type { HaproxyConfig } from '../config/read-config.js';
import { IN_MEMORY_PATH, type Database, type Row, type SqlValue } from '../store/database.js';
import { renderTemplate } from './finding-template.js';
import { headerColumns, loadQueries, type FindingSpec, type QueryFile, type TemplateVariant } from './load-queries.js';
import { withScopedCauses } from './materialized-scope.js';
import { runQuery, runQueryResult, type Scope } from './run-query.js';

export type Severity = 'critical' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];

export interface Finding {
  /** The same for the same thing across runs and refreshes: a hash of kind and the query's @id columns, never of counts. */
  id: string;
  /** What kind of diagnosis found it (the query's @finding): failure, disconnect, mass-disconnect, reconnect-wave… */
  kind: string;
  severity: Severity;
  title: string;
  detail: string;
  advice: string;
  backend: string | null;
  server: string | null;
}

/** A server DOWN event behind a group of failures. */
export interface DownEvent {
  ts: string | null;
  server: string | null;
  reason: string | null;
  check_code: number | null;
  check_info: string | null;
}

export interface ErrorGroup {
  status: number | null;
  cause: string;
  /** flags | config | guess | duration | status | inferred | none (session-causes.sql). */
  confidence: string;
  backend: string | null;
  server: string | null;
  count: number;
  first: string | null;
  last: string | null;
  terminations: string[];
  evidence: string[];
  /** DOWN events or failed checks of that server within 30 s of these failures (any server of the backend for <NOSRV>). */
  down_events_nearby: number;
  /** The newest DOWN events of that server (of every server of the backend for <NOSRV>), at most three. */
  down_events: DownEvent[];
  advice: string;
}

export interface Disconnect {
  backend: string;
  interval_ms: number;
  count: number;
  share: number;
  termination: string;
  timeout: { directive: string; value_ms: number; where: string | null } | null;
  verdict: 'haproxy-timeout' | 'timeout-unknown-config' | 'outside-haproxy' | 'unexplained-timeout';
  advice: string;
}

export interface Sticky {
  backend: string;
  method: 'cookie' | 'source';
  connections: number;
  misses: number;
  miss_rate: number;
  reasons: Record<string, number>;
}

export interface Tunnel {
  backend: string;
  count: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  histogram: Record<string, number>;
}

/**
 * The ingest runs behind an analysis, line by line: lines_read = sessions + events + rejects + blank +
 * already_ingested + rolled_back. Every run recorded in the database, or this run alone with --only-inputs.
 */
export interface Accounting {
  lines_read: number;
  sessions: number;
  events: number;
  rejects: number;
  blank: number;
  /** Lines an earlier run had already stored (read again, not stored twice). */
  already_ingested: number;
  /** Lines of inputs found corrupt and rolled back whole. */
  rolled_back: number;
  /** How many ingest runs these figures add up. */
  ingests: number;
}

/** What was analysed: which database, which inputs, which window and backend (ISO 8601 UTC times). */
export interface AnalysisScope {
  /** The --db file, or null for an in-memory database that held only this run's inputs. */
  database: string | null;
  /** True with --only-inputs: only the sessions of this run's inputs, not the rest of the database. */
  only_inputs: boolean;
  /** The log files this run read ('-' for stdin). */
  inputs: string[];
  since: string | null;
  until: string | null;
  backend: string | null;
}

/** A scope time (DuckDB's `2026-11-22 14:00:00.000`, UTC) as ISO 8601 UTC, as every time of the contract. */
export const isoTime = (sqlTime: string | null): string | null => (sqlTime === null ? null : new Date(`${sqlTime.replace(' ', 'T')}Z`).toISOString());

export interface Analysis {
  scope: AnalysisScope;
  summary: {
    /** Lines stored, each once (a line read again by a later run is not counted again). */
    lines: number; sessions: number; events: number; rejects: number; upgrades: number; from: string | null; to: string | null;
    accounting: Accounting;
  };
  errors: ErrorGroup[];
  disconnects: Disconnect[];
  sticky: Sticky[];
  tunnels: Tunnel[];
  events: Row[];
  /** Incident findings, worst first. Configuration pitfalls are not among them: see `lint`. */
  findings: Finding[];
  /** The other diagnoses, row by row (reconnect storms and waves, mass disconnects, denials, queueing, rejects…). */
  details: Record<string, Row[]>;
  /**
   * The configuration section (with --config): pitfalls of the backends the logs show upgrading, each with the
   * one severity `wsdiag lint` gives it. Kept apart from the incident's findings.
   */
  lint: LintFinding[];
}

export async function analyze(db: QueryEngine, scope: Scope, config: HaproxyConfig | null = null): Promise<Analysis> {
  return withScopedCauses(db, scope, () => runDiagnoses(db, scope, config));
}

/** The analysis, and `more` run over the same materialized scope (the queries it runs must use `scope`). */
export async function analyzeWith<T>(db: QueryEngine, scope: Scope, config: HaproxyConfig | null, more: () => Promise<T>): Promise<[Analysis, T]> {
  return withScopedCauses(db, scope, async () => [await runDiagnoses(db, scope, config), await more()]);
}

/** The first variant whose condition the row meets (variants come before the plain wording). */
function pick(variants: readonly TemplateVariant[], row: Row): string {
  const v = variants.find((x) => x.column === null || (row[x.column] !== null && row[x.column] !== undefined && String(row[x.column]) === x.value))!;
  return renderTemplate(v.template, row);
}

const text = (v: SqlValue | undefined): string | null => (v === null || v === undefined ? null : String(v));

/** A finding's identity: its kind and the values of its query's @id columns in `row` (never counts). */
function findingId(spec: FindingSpec, row: Row): string {
  const key = [spec.kind, ...spec.id.map((c) => JSON.stringify(row[c] ?? null))].join('\u0000');
  return `${spec.kind}-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

/** The id of the finding a row of `query`'s section makes (e.g. an error group's), or null when it makes none. */
export function rowFindingId(query: string, row: Row): string | null {
  const spec = loadQueries().get(query)?.finding;
  return spec ? findingId(spec, row) : null;
}

export function findingOf(spec: FindingSpec, row: Row): Finding {
  const severity = pick(spec.severity, row);
  if (!(SEVERITIES as readonly string[]).includes(severity)) throw new Error(`finding ${spec.kind}: severity '${severity}' is none of ${SEVERITIES.join(', ')}`);
  return {
    id: findingId(spec, row),
    kind: spec.kind,
    severity: severity as Severity,
    title: pick(spec.headline, row),
    detail: pick(spec.detail, row),
    advice: pick(spec.advice, row),
    backend: text(row['backend']),
    server: text(row['server']),
  };
}

/** A query's rows as its section carries them: its @fields (with the rendered advice), or every column. */
function sectionRows(q: QueryFile, rows: readonly Row[]): Row[] {
  if (!q.fields) return [...rows];
  return rows.map((r) =>
    Object.fromEntries(q.fields!.map((f) => [f, f === 'advice' && q.finding ? pick(q.finding.advice, r) : (r[f] ?? null)])),
  );
}

/** The rows' columns against what the header reads: a misspelled column fails here, not as a silent `-`. */
function checkColumns(q: QueryFile, columns: readonly string[], read: readonly string[]): void {
  const missing = read.filter((c) => !columns.includes(c));
  if (missing.length) throw new Error(`queries/${q.file}: the header reads ${missing.join(', ')}, which the query does not return`);
}

async function runDiagnoses(db: QueryEngine, scope: Scope, config: HaproxyConfig | null): Promise<Analysis> {
  const sections: Record<string, Row[]> = {};
  const details: Record<string, Row[]> = {};
  const found: { finding: Finding; rank: number; order: number }[] = [];
  const queries = [...loadQueries().values()].filter((q) => q.section !== null);
  for (const q of queries) {
    const { columns, rows } = await runQueryResult(db, q.name, scope);
    checkColumns(q, columns, headerColumns(q));
    const out = sectionRows(q, rows);
    if (q.section === 'details') details[q.name] = out;
    else (sections[q.section!] ??= []).push(...out);
    if (q.finding) {
      for (const r of rows) {
        if (q.finding.when && !r[q.finding.when]) continue;
        found.push({ finding: findingOf(q.finding, r), rank: q.finding.rank, order: found.length });
      }
    }
  }
  const s = sections['summary']?.[0] ?? {};
  const analysis: Analysis = {
    scope: {
      database: db.path === IN_MEMORY_PATH ? null : db.path, only_inputs: false, inputs: [],
      since: isoTime(scope.since), until: isoTime(scope.until), backend: scope.backend,
    },
    summary: s as unknown as Analysis['summary'],
    errors: (sections['errors'] ?? []) as unknown as ErrorGroup[],
    disconnects: (sections['disconnects'] ?? []) as unknown as Disconnect[],
    sticky: (sections['sticky'] ?? []) as unknown as Sticky[],
    tunnels: (sections['tunnels'] ?? []) as unknown as Tunnel[],
    events: sections['events'] ?? [],
    findings: found
      .sort((x, y) => SEVERITIES.indexOf(x.finding.severity) - SEVERITIES.indexOf(y.finding.severity) || x.rank - y.rank || x.order - y.order)
      .map((f) => f.finding),
    details,
    lint: [],
  };
  if (config) {
    const upgrading = await runQuery(db, 'upgrading-backends', scope);
    analysis.lint = lintConfig(config, upgrading.filter((r) => r['upgraded']).map((r) => String(r['backend'])), {
      onlyThese: true,
      requested: upgrading.map((r) => String(r['backend'])),
    });
  }
  return analysis;
}
