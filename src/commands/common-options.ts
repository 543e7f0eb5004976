import type { OptionSpec } from './command.js';

/** Options of the commands that look at a time window of one or all backends. */
export const SCOPE_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  since: { type: 'string', description: 'start of the window: a duration before now (24h, 1.5h, 1w), 2026-11-20 14:00, ISO 8601 or 20/Nov/2026:14:00:00; default: all data' },
  until: { type: 'string', description: 'end of the window; default: the last session' },
  backend: { type: 'string', description: 'only this backend' },
};

/** Options shared by the commands that read logs. */
export const INPUT_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  config: { type: 'string', complete: 'file', description: 'haproxy.cfg: the log formats of its frontends, its timeouts, servers and persistence' },
  db: { type: 'string', complete: 'file', description: 'DuckDB file to use (created if missing); without it, an in-memory database' },
  'log-format': { type: 'string', multiple: true, description: "a custom HAProxy log-format string, tried before the stock formats (repeatable)" },
  tz: { type: 'string', description: 'IANA time zone of the HAProxy host clock (accept dates carry no offset); default: this machine' },
  'max-line-bytes': { type: 'string', description: 'longer lines keep this many bytes and are rejected as too_long', default: '65536' },
};

/** Where a command that writes an export puts it, and under which node name. */
export const EXPORT_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  parquet: { type: 'string', complete: 'file', description: 'also append what is new to this Parquet export directory (created if missing; see README "Many proxies")' },
  node: { type: 'string', description: "this node's name in the export (default: the host name)" },
};

/** Where the commands that diagnose read from instead of a database file or logs. */
export const SOURCE_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  parquet: { type: 'string', complete: 'file', description: 'read a Parquet export directory (ingest --parquet, export) instead of logs or --db' },
  engine: { type: 'string', description: 'run the diagnoses on ClickHouse: clickhouse://user[:password]@host:8123/db (clickhouses:// for HTTPS)' },
};
