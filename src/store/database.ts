/**
 * The only module (with the loader beside it) that talks to @duckdb/node-api. One instance, one connection
 * per role, one statement at a time per connection. Results leave as plain JSON-safe objects.
 */
import {
  DuckDBInstance, DuckDBListValue, DuckDBMapValue, DuckDBStructValue, DuckDBArrayValue, DuckDBTimestampValue,
  type DuckDBConnection, type DuckDBValue,
} from '@duckdb/node-api';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analysisMemoryBytes, duckdbSize, machineMemory, type MemoryFacts } from './memory-budget.js';
import { defaultThreads } from './threads.js';
import { CONFIG_SCHEMA_SQL, migrationSql, SESSIONS_IN_SQL, schemaSql } from './schema.js';
import { StoreError, storeFailure } from './store-failure.js';

/** A value a query returns, JSON-safe: lists as arrays, structs and maps as objects. */
export type SqlValue = string | number | boolean | null | SqlValue[] | { [key: string]: SqlValue };
export type Row = Record<string, SqlValue>;

export interface QueryResult {
  readonly columns: readonly string[];
  readonly rows: readonly Row[];
}

export interface Database {
  readonly path: string;
  /** The SQL dialect its queries are written in (src/engine/query-engine.ts). */
  readonly dialect: 'duckdb';
  readonly connection: DuckDBConnection;
  run(sql: string, params?: Record<string, SqlValue>): Promise<void>;
  query(sql: string, params?: Record<string, SqlValue>): Promise<QueryResult>;
  /**
   * The result in batches of rows as DuckDB produces them: constant memory however many rows there are. A result
   * without rows is one empty batch, which still says the columns.
   */
  stream(sql: string, params?: Record<string, SqlValue>): AsyncGenerator<QueryResult>;
  /** DuckDB's threads as opened (the option, or WSDIAG_THREADS); null: one per core, DuckDB's default. */
  readonly threads: number | null;
  /** DuckDB's memory limit as last given: openDatabase's option (or its default), allowAnalysisMemory, setMemoryLimit. */
  readonly memoryLimit: string;
  /** Sets DuckDB's memory limit (for the whole database, every connection), e.g. '64MB'. */
  setMemoryLimit(limit: string): Promise<void>;
  /** Forbid file and network access and further configuration changes (before running typed SQL). */
  lockDown(): Promise<void>;
  /**
   * Diagnoses over a large archive need more memory than a bounded ingest: DuckDB's limit becomes the analysis
   * budget this machine allows (memory-budget.ts; it spills to its temporary directory beyond it), less
   * `reserveBytes` that the process needs beside DuckDB (the screens). The first call sets it; call before lockDown.
   */
  allowAnalysisMemory(reserveBytes?: number): Promise<void>;
  /**
   * Another connection to the same database: it runs its statements while this one runs its own (live mode
   * queries on one while it stores on the other) and sees what this one has committed. Closing it leaves the
   * database open.
   */
  connect(): Promise<Database>;
  close(): void;
}

export { StoreError } from './store-failure.js';

/** Database.path of a store kept in memory (openDatabase without a file). */
export const IN_MEMORY_PATH = ':memory:';

/**
 * Ingest runs in bounded memory: DuckDB's buffers stay under this (it spills to the database file, or to a
 * temporary file for an in-memory database, beyond it). Analysis sets its own (memory-budget.ts).
 */
const STORE_MEMORY = '256MB';

/** DuckDB values → JSON-safe values: BIGINT within 2^53 as numbers, timestamps as ISO-8601 UTC strings. */
function toPlain(value: DuckDBValue): SqlValue {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) return value.items.map(toPlain);
  if (value instanceof DuckDBStructValue) {
    return Object.fromEntries(Object.entries(value.entries).map(([k, v]) => [k, toPlain(v)]));
  }
  if (value instanceof DuckDBMapValue) return Object.fromEntries(value.entries.map((e) => [String(toPlain(e.key)), toPlain(e.value)]));
  if (value instanceof DuckDBTimestampValue) {
    const ms = Number(value.micros / 1000n);
    return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : String(value);
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  const text = String(value);
  return text;
}

export interface DatabaseOptions {
  readonly memoryLimit?: string;
  /**
   * In memory only: keep the tables in an attached in-memory database that compresses what it stores, as a file
   * does (DuckDB's `COMPRESS`), instead of DuckDB's default in-memory database. Rows appended since the last
   * checkpoint then take less room. Live mode, which appends all the time and checkpoints every second or so, peaked
   * 70–110 MB lower with it at 100 k lines/s (LIVE_DATABASE in src/pipeline/live-policy.ts).
   */
  readonly compressInMemory?: boolean;
  /** DuckDB's threads (default: WSDIAG_THREADS when the operator set it, else one per core; src/store/threads.ts). */
  readonly threads?: number;
  /**
   * Open an existing database file read-only (`wsdiag query` without --write): nothing can change it, not even
   * the schema, so an older file is read as it was written.
   */
  readonly readOnly?: boolean;
  /**
   * Open the file only if it exists (implied by readOnly): a command that reads a database and has no logs to
   * store in it (`analyze --db typo.duckdb`) would otherwise create an empty one and report that nothing happened.
   */
  readonly mustExist?: boolean;
  /** What the machine allows, for the analysis's memory limit (tests give other machines); read from it otherwise. */
  readonly machine?: MemoryFacts;
  /**
   * In memory only: no store schema and no sessions_in (the tables will be views over something else, e.g. a
   * Parquet export, which defines its own sessions_in over them).
   */
  readonly bare?: boolean;
  /** What Database.path says instead of ':memory:' (the directory of a Parquet export). */
  readonly label?: string;
  /** The one directory files may still be read from once locked down (the Parquet export the views read). */
  readonly allowedDirectory?: string;
}

/** The attached in-memory database of DatabaseOptions.compressInMemory; every connection uses it. */
const COMPRESSED_CATALOG = 'wsdiag';
/**
 * Where DuckDB spills what does not fit in its memory limit. A database file opened for writing spills beside itself
 * (DuckDB's `<file>.tmp`, on the disk that holds the data); an in-memory database would spill to `.tmp` in the
 * working directory, and a file opened read-only may sit where we cannot write: those get a directory of their own
 * under the system's temporary directory, removed when the database closes.
 */
const privateSpillDirectory = (path: string | null, readOnly: boolean): string | null =>
  path === null || readOnly ? mkdtempSync(join(tmpdir(), 'wsdiag-')) : null;

export async function openDatabase(path: string | null, options: DatabaseOptions = {}): Promise<Database> {
  const location = path ?? IN_MEMORY_PATH;
  const readOnly = path !== null && options.readOnly === true;
  if (path !== null && (readOnly || options.mustExist === true) && !existsSync(path)) {
    throw new StoreError(`cannot open database ${path}: no such file`);
  }
  const scratch = privateSpillDirectory(path, readOnly);
  const threads = options.threads ?? defaultThreads();
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(location, {
      // The store must stay bounded whatever the input size; DuckDB spills to disk beyond this.
      memory_limit: options.memoryLimit ?? STORE_MEMORY,
      preserve_insertion_order: 'false',
      // DuckDB's allocator keeps freed memory for reuse, up to 128 MB per thread by default. Give it back after
      // each task, and let the allocator's own thread return idle pages: ingest of 2 M lines peaked ~50 MB lower
      // (544 and 578 MB against 589 and 634 MB without these two settings).
      allocator_flush_threshold: '8MB',
      allocator_background_threads: 'true',
      // Bulk appends write each row group as it fills instead of buffering five.
      write_buffer_row_group_count: '1',
      ...(threads !== null ? { threads: String(threads) } : {}),
      ...(readOnly ? { access_mode: 'READ_ONLY' } : {}),
      ...(scratch ? { temp_directory: scratch } : {}),
    });
  } catch (error) {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    throw storeFailure(error, location) ?? new StoreError(`cannot open database ${location}: ${(error as Error).message.split('\n')[0]}`);
  }
  const catalog = path === null && options.compressInMemory ? COMPRESSED_CATALOG : null;
  const memory = { limit: options.memoryLimit ?? STORE_MEMORY };
  const connection = await instance.connect();
  if (catalog) {
    await connection.run(`ATTACH ':memory:' AS ${catalog} (COMPRESS)`);
    await connection.run(`USE ${catalog}`);
  }
  if (options.bare) {
    // Nothing to create.
  } else if (readOnly) {
    const tables = await connection.runAndReadAll("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'session_rows' AND NOT temporary");
    if (Number(tables.getRows()[0]?.[0] ?? 0) === 0) {
      connection.closeSync();
      instance.closeSync();
      if (scratch) rmSync(scratch, { recursive: true, force: true });
      throw new StoreError(`${path} is not a wsdiag database (no session_rows table)`, 'not-a-database');
    }
  } else {
    try {
      if (path !== null) await migrate(connection);
      await connection.run(schemaSql(path !== null));
      await connection.run(CONFIG_SCHEMA_SQL);
    } catch (error) {
      connection.closeSync();
      instance.closeSync();
      if (scratch) rmSync(scratch, { recursive: true, force: true });
      throw storeFailure(error, location) ?? error;
    }
  }
  const shared: Shared = {
    memory, threads, catalog, machine: options.machine ?? null, scratch, allowedDirectory: options.allowedDirectory ?? null, sessionsIn: !options.bare,
  };
  if (shared.sessionsIn) await connection.run(SESSIONS_IN_SQL);
  return handle(instance, connection, options.label ?? location, shared, true);
}

/** Brings a file an earlier version wrote to today's schema (see migrationSql); nothing to do for a new file. */
async function migrate(connection: DuckDBConnection): Promise<void> {
  const tables = await connection.runAndReadAll(
    "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary AND table_name IN ('session_rows', 'raw_lines')",
  );
  const names = new Set(tables.getRows().map((row) => String(row[0])));
  if (names.has('session_rows')) await connection.run(migrationSql(names.has('raw_lines')));
}

/** What the handles of one instance's connections share. */
interface Shared {
  /** The instance's memory limit. */
  readonly memory: { limit: string };
  /** The instance's threads as opened (null: one per core). */
  readonly threads: number | null;
  readonly catalog: string | null;
  readonly machine: MemoryFacts | null;
  /** The private spill directory, removed when the instance closes. */
  readonly scratch: string | null;
  /** The one directory typed SQL may still read once locked down (a Parquet export), or null. */
  readonly allowedDirectory: string | null;
  /** Whether each connection defines the store's sessions_in (not on a bare database). */
  readonly sessionsIn: boolean;
}

function handle(instance: DuckDBInstance, connection: DuckDBConnection, location: string, shared: Shared, ownsInstance: boolean): Database {
  const { memory, catalog } = shared;
  async function run(sql: string, params?: Record<string, SqlValue>): Promise<void> {
    if (params && Object.keys(params).length) await connection.run(sql, params as Record<string, DuckDBValue>);
    else await connection.run(sql);
  }

  async function query(sql: string, params?: Record<string, SqlValue>): Promise<QueryResult> {
    const reader = params && Object.keys(params).length
      ? await connection.runAndReadAll(sql, params as Record<string, DuckDBValue>)
      : await connection.runAndReadAll(sql);
    const columns = reader.columnNames();
    const rows = reader.getRows().map((values) => {
      const row: Row = {};
      columns.forEach((c, i) => (row[c] = toPlain(values[i] ?? null)));
      return row;
    });
    return { columns, rows };
  }

  async function setMemoryLimit(limit: string): Promise<void> {
    await connection.run(`SET memory_limit = '${limit.replaceAll("'", "''")}'`);
    memory.limit = limit;
  }

  let analysisMemory = false;
  async function* stream(sql: string, params?: Record<string, SqlValue>): AsyncGenerator<QueryResult> {
    const result = params && Object.keys(params).length
      ? await connection.stream(sql, params as Record<string, DuckDBValue>)
      : await connection.stream(sql);
    const columns = result.columnNames();
    let none = true;
    for await (const batch of result.yieldRows()) {
      none = false;
      yield {
        columns,
        rows: batch.map((values) => {
          const row: Row = {};
          columns.forEach((c, i) => (row[c] = toPlain(values[i] ?? null)));
          return row;
        }),
      };
    }
    if (none) yield { columns, rows: [] };
  }

  return {
    dialect: 'duckdb',
    path: location,
    connection,
    run,
    query,
    stream,
    threads: shared.threads,
    get memoryLimit() {
      return memory.limit;
    },
    setMemoryLimit,
    async allowAnalysisMemory(reserveBytes = 0) {
      if (analysisMemory) return;
      analysisMemory = true;
      // After lockDown the configuration is frozen; the limit then stays as it was.
      await setMemoryLimit(duckdbSize(analysisMemoryBytes(shared.machine ?? machineMemory(), reserveBytes))).catch(() => undefined);
    },
    async lockDown() {
      if (shared.allowedDirectory !== null) {
        // The views read their files on each query: that directory stays readable, and only it.
        await connection.run(`SET allowed_directories = ['${shared.allowedDirectory.replaceAll("'", "''")}/']`);
      }
      await connection.run('SET enable_external_access = false');
      await connection.run('SET lock_configuration = true');
    },
    async connect() {
      const other = await instance.connect();
      if (catalog) await other.run(`USE ${catalog}`);
      if (shared.sessionsIn) await other.run(SESSIONS_IN_SQL);
      return handle(instance, other, location, shared, false);
    },
    close() {
      connection.closeSync();
      if (ownsInstance) {
        instance.closeSync();
        if (shared.scratch) rmSync(shared.scratch, { recursive: true, force: true });
      }
    },
  };
}
