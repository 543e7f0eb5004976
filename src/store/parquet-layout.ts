/**
 * The Parquet export's layout, one documented schema for every node of a fleet (README "Many proxies"):
 *
 *   DIR/wsdiag-parquet.json                                   what this is, its schema version, the exports committed
 *   DIR/<table>/log_day=YYYY-MM-DD/log_host=<host>/part-<export>-<n>.parquet
 *
 * Every table carries `node` (the host that wrote it: source ids and line numbers are unique only within a node)
 * and the two partition columns, also written inside the files. Both partition values are never NULL (`none`
 * stands for no time or no host) and keep to [A-Za-z0-9._-]: a NULL is written `__HIVE_DEFAULT_PARTITION__`,
 * which ClickHouse reads as that literal, and a path value overrides the file's column there. `ts` and `host`
 * stay as logged.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StoreError } from './store-failure.js';

export const MANIFEST_FILE = 'wsdiag-parquet.json';
export const MANIFEST_FORMAT = 'wsdiag-parquet';
/** Raised when a table gains, loses or retypes a column: readers refuse a newer version than their own. */
export const PARQUET_SCHEMA_VERSION = 1;

/** Tables with lines' rows: exported incrementally, above what the directory already holds of each source. */
export const LINE_TABLES = ['sessions', 'events', 'rejects', 'raw_lines'] as const;
/** Tables of runs and inputs: rows of runs not exported yet; sources as new versions of a source's row. */
export const RUN_TABLES = ['ingests', 'input_events', 'sources'] as const;
/** The configuration (small): written whole by each node that has one, replacing its previous copy. */
export const CONFIG_TABLES = ['config_proxies', 'config_timeouts', 'config_servers', 'config_routes'] as const;
export const PARQUET_TABLES = [...LINE_TABLES, ...RUN_TABLES, ...CONFIG_TABLES] as const;
export type ParquetTable = (typeof PARQUET_TABLES)[number];

/** Columns the export adds to every table; the DuckDB views over the files leave them out, so queries see the store's columns. */
export const EXPORT_COLUMNS = ['node', 'log_day', 'log_host'] as const;

/** The partition value that stands for no time or no host. */
export const NO_VALUE = 'none';

export interface ExportRecord {
  readonly id: string;
  readonly at: string;
  readonly rows: Readonly<Record<string, number>>;
}

export interface Manifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly schema_version: number;
  readonly written_by: string;
  /** Exports whose files were all moved into place; a file of any other export is the leftover of one that stopped. */
  readonly exports: readonly ExportRecord[];
}

/** A directory that cannot be read or written as a wsdiag Parquet export: exit 1 (the wrong kind of directory). */
export class NotAnExportError extends Error {}

/** The manifest of DIR; null for a directory that does not exist or is empty (a new export). */
export function readManifest(dir: string): Manifest | null {
  if (!existsSync(dir)) return null;
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      throw new NotAnExportError(`${dir} is not a directory: --parquet takes the directory of a wsdiag Parquet export (or a new one)`);
    }
    if (entries.length === 0) return null;
    throw new NotAnExportError(`${dir} is not a wsdiag Parquet export (no ${MANIFEST_FILE}): give the directory ingest --parquet or export wrote, or a new one`);
  }
  let manifest: Partial<Manifest>;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as Partial<Manifest>;
  } catch (error) {
    throw new NotAnExportError(`${path} is not a wsdiag Parquet manifest: ${(error as Error).message}`);
  }
  if (manifest.format !== MANIFEST_FORMAT || typeof manifest.schema_version !== 'number') {
    throw new NotAnExportError(`${path} is not a wsdiag Parquet manifest (format ${JSON.stringify(manifest.format)})`);
  }
  if (manifest.schema_version > PARQUET_SCHEMA_VERSION) {
    throw new StoreError(
      `${dir} holds Parquet schema version ${manifest.schema_version}, newer than this wsdiag reads (${PARQUET_SCHEMA_VERSION}): upgrade wsdiag`,
      'open',
    );
  }
  return { ...manifest, exports: manifest.exports ?? [] } as Manifest;
}

/** A partition value from a host name: the characters a path and an object key take as they are; `none` for none. */
export function partitionValueSql(expression: string): string {
  return `coalesce(nullif(left(regexp_replace(${expression}, '[^A-Za-z0-9._-]', '_', 'g'), 64), ''), '${NO_VALUE}')`;
}

/** The day (UTC) of a timestamp expression, `none` for NULL. */
export const daySql = (expression: string): string => `coalesce(strftime(${expression}, '%Y-%m-%d'), '${NO_VALUE}')`;
