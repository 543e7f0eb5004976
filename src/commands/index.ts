/**
 * Every subcommand as data: its usage, options and help, in the order `wsdiag --help` lists them. Parsing the
 * command line needs only this; a command's code (and with it DuckDB and ink) is loaded once its arguments
 * parsed, so --help, --version and a mistyped flag answer at once.
 */
import type { CommandSpec, OptionSpec } from './command.js';
import { EXPORT_OPTIONS, INPUT_OPTIONS, SCOPE_OPTIONS, SOURCE_OPTIONS } from './common-options.js';

const TEXT_OR_JSON: OptionSpec = { type: 'string', description: 'text or json', default: 'text', choices: ['text', 'json'] };
const ROW_FORMATS = ['table', 'json', 'jsonl', 'csv'];

/** The live row budget's default, as src/pipeline/live-policy.ts has it (a test holds the two equal). */
export const LIVE_MAX_SESSIONS_DEFAULT = '100000';

const ONLY_INPUTS: OptionSpec = {
  type: 'boolean',
  description: 'with --db: only the sessions of the FILEs given (not the rest of the database); the header says which',
};

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'analyze',
    usage: 'FILE… [--config haproxy.cfg] [--db F.duckdb [--only-inputs]] [--parquet DIR|--engine clickhouse://…] [--since T] [--until T] [--backend NAME] [--format text|markdown|json]',
    summary: 'Why did it fail: causes of failed sessions, fixed-interval disconnects, sticky misses, tunnel durations',
    options: {
      ...INPUT_OPTIONS,
      ...SOURCE_OPTIONS,
      ...SCOPE_OPTIONS,
      'only-inputs': ONLY_INPUTS,
      format: { type: 'string', description: 'text, markdown or json', default: 'text', choices: ['text', 'markdown', 'json'] },
    },
    fileArguments: true,
    load: async () => (await import('./analyze.js')).run,
  },
  {
    name: 'sessions',
    usage: 'FILE… [--config haproxy.cfg] [--db F.duckdb [--only-inputs]] [--parquet DIR|--engine clickhouse://…] [--since T] [--until T] [--backend NAME] [--format jsonl|csv|table|json]',
    summary: 'One record per session: ts, client, frontend, backend, server, status, termination, duration, upgraded, cause, request',
    options: {
      ...INPUT_OPTIONS,
      ...SOURCE_OPTIONS,
      ...SCOPE_OPTIONS,
      'only-inputs': ONLY_INPUTS,
      format: { type: 'string', description: ROW_FORMATS.join(', '), default: 'jsonl', choices: ROW_FORMATS },
    },
    fileArguments: true,
    load: async () => (await import('./sessions.js')).run,
  },
  {
    name: 'report',
    usage: '[FILE…] [--db F.duckdb|--parquet DIR|--engine clickhouse://…] [--since 24h] [--until now] [--compare previous|7d] [--fail-on EXPR]… [--retain 30d] --format markdown|html|json [--out FILE]',
    summary: 'A report for cron or a systemd timer: ingests only what is new, compares windows, exits 3 when a --fail-on threshold is crossed',
    options: {
      ...INPUT_OPTIONS,
      ...SOURCE_OPTIONS,
      ...SCOPE_OPTIONS,
      compare: { type: 'string', description: 'previous (the window just before) or 7d (the same window a week earlier)', choices: ['previous', '7d'] },
      'fail-on': { type: 'string', multiple: true, description: `threshold, e.g. 'rate(502) > 0.5%' (repeatable; exit 3 when crossed)` },
      retain: { type: 'string', description: 'delete stored rows older than this duration (e.g. 30d) after ingesting' },
      format: { type: 'string', description: 'markdown, html or json', default: 'markdown', choices: ['markdown', 'html', 'json'] },
      out: { type: 'string', description: 'write the report to this file instead of stdout', complete: 'file' },
    },
    fileArguments: true,
    load: async () => (await import('./report.js')).run,
  },
  {
    name: 'ingest',
    usage: 'FILE… [--db F.duckdb] [--parquet DIR [--node NAME]] [--log-format FMT] [--tz ZONE] [--format text|json]',
    summary: 'Load HAProxy logs (plain, .gz or - for stdin) into DuckDB (and a Parquet export); a file already ingested is not stored twice',
    options: { ...INPUT_OPTIONS, ...EXPORT_OPTIONS, format: TEXT_OR_JSON },
    fileArguments: true,
    load: async () => (await import('./ingest.js')).run,
  },
  {
    name: 'query',
    usage: '"SQL" [FILE…] [--db F.duckdb [--write]|--parquet DIR|--engine clickhouse://…] [--format table|json|jsonl|csv]',
    summary: 'Run SQL over the sessions, events, rejects and ingests tables (FILEs are ingested first); --db is opened read-only',
    options: {
      ...INPUT_OPTIONS,
      ...SOURCE_OPTIONS,
      write: { type: 'boolean', description: 'let the SQL change the --db database (it is opened read-only otherwise)' },
      format: { type: 'string', description: ROW_FORMATS.join(', '), default: 'table', choices: ROW_FORMATS },
    },
    fileArguments: true,
    load: async () => (await import('./query.js')).run,
  },
  {
    name: 'config',
    usage: 'haproxy.cfg [--format text|json]',
    summary: 'Print what wsdiag understood of a haproxy.cfg: proxies, log formats, timeouts (with file:line), servers',
    options: { format: TEXT_OR_JSON },
    fileArguments: true,
    load: async () => (await import('./config.js')).run,
  },
  {
    name: 'lint',
    usage: 'haproxy.cfg [--format text|json]',
    summary: 'WebSocket pitfalls in a haproxy.cfg, each with file:line, why it hurts and the fix (exit 3 when an error is found)',
    options: { format: TEXT_OR_JSON },
    fileArguments: true,
    load: async () => (await import('./lint.js')).run,
  },
  {
    name: 'live',
    usage: '[-|FILE…] [--follow FILE]… [--config haproxy.cfg] [--window 15m] [--format text|jsonl]',
    summary: 'Watch logs as they come (tail -f haproxy.log | wsdiag live): screens on a terminal, summaries or NDJSON otherwise',
    options: {
      ...INPUT_OPTIONS,
      follow: { type: 'string', multiple: true, description: 'follow this file as tail -F does (rotation, truncation, a file that appears later; repeatable)', complete: 'file' },
      window: { type: 'string', description: 'diagnose the last WINDOW of log time (a duration), and forget older rows', default: '15m' },
      'max-sessions': { type: 'string', description: 'keep at most about this many sessions and rejected lines (memory): a busier window is cut short, and the screens say so', default: LIVE_MAX_SESSIONS_DEFAULT },
      interval: { type: 'string', description: 'without a terminal: how often to print (a duration, at least 1s)', default: '1s' },
      backend: { type: 'string', description: 'only this backend' },
      format: { type: 'string', description: 'without a terminal: text or jsonl', default: 'text', choices: ['text', 'jsonl'] },
    },
    fileArguments: true,
    load: async () => (await import('./live.js')).run,
  },
  {
    name: 'tui',
    usage: 'FILE…|--db F.duckdb|--parquet DIR [--config haproxy.cfg] [--backend NAME]',
    summary: 'Browse the diagnosis of an archive in the terminal: errors, disconnects, sticky misses, tunnels, events, SQL',
    options: { ...INPUT_OPTIONS, parquet: SOURCE_OPTIONS['parquet']!, backend: { type: 'string', description: 'only this backend' } },
    fileArguments: true,
    load: async () => (await import('./tui.js')).run,
  },
  {
    name: 'export',
    usage: '--db F.duckdb --parquet DIR [--node NAME] [--format text|json]',
    summary: 'Append what a database holds and a Parquet export does not yet to that export (one schema for a fleet)',
    options: { db: INPUT_OPTIONS['db']!, ...EXPORT_OPTIONS, format: TEXT_OR_JSON },
    fileArguments: false,
    load: async () => (await import('./export.js')).run,
  },
  {
    name: 'clickhouse-schema',
    usage: '[--cluster NAME] [--database DB] [--load DIR|s3://…] [--files DIR]',
    summary: 'Print the ClickHouse DDL for a fleet (tables per shard, Distributed tables, the diagnoses\' views) and the statement loading a Parquet export',
    options: {
      cluster: { type: 'string', description: 'the cluster of remote_servers (ON CLUSTER, Distributed); without it, tables for one server' },
      database: { type: 'string', description: 'the database to create the tables in', default: 'wsdiag' },
      load: { type: 'string', description: "print the INSERTs that load this Parquet export: a directory the server reads (file()), or an s3:// URL (s3Cluster with --cluster)" },
      files: { type: 'string', description: 'views over the files of this export instead of tables (for clickhouse-local or chdb, no server)' },
    },
    fileArguments: false,
    load: async () => (await import('./clickhouse-schema.js')).run,
  },
];
