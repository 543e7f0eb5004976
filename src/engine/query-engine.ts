/**
 * What the diagnoses need of the engine they run on: DuckDB (a store, or views over a Parquet export: src/store)
 * or ClickHouse (clickhouse-engine.ts). Each dialect has its own query files (queries/ and queries/clickhouse/);
 * results come back as the same plain JSON-safe rows whichever ran them.
 */
import type { QueryResult, SqlValue } from '../store/database.js';

export type Dialect = 'duckdb' | 'clickhouse';

export interface QueryEngine {
  readonly dialect: Dialect;
  /** What was read: a database file, a Parquet directory, a ClickHouse URL without its password. */
  readonly path: string;
  run(sql: string, params?: Record<string, SqlValue>): Promise<void>;
  query(sql: string, params?: Record<string, SqlValue>): Promise<QueryResult>;
  stream(sql: string, params?: Record<string, SqlValue>): AsyncGenerator<QueryResult>;
  /** More memory for an analysis than an ingest takes, less `reserveBytes` needed beside it (see Database). */
  allowAnalysisMemory(reserveBytes?: number): Promise<void>;
  /** Forbid what typed SQL must not do (file and network access, settings; on ClickHouse: writes). */
  lockDown(): Promise<void>;
  close(): void;
}
