/**
 * Bulk load of sessions into `session_rows`, one DuckDB data chunk (2048 rows) per encoded batch. Each number
 * column goes to DuckDB in one copy; a text column costs one native call per non-null value and its nulls are
 * written as one validity mask (node-api's per-value setItem, nulls included, was the largest cost of the
 * ingest). The caller decides when rows become visible (flush) and owns the transaction.
 */
import ddb from '@duckdb/node-bindings';
import { DOUBLE, DuckDBDataChunk, INTEGER, VARCHAR, type DuckDBAppender, type DuckDBConnection, type DuckDBType } from '@duckdb/node-api';
import type { NameDictionary } from './name-dictionary.js';
import { AppenderCache } from './appender-cache.js';
import { SESSION_COLUMNS } from './schema.js';
import { DOUBLE_COLUMNS, INT_COLUMNS, SESSION_BATCH_ROWS, TEXT_COLUMNS, type EncodedSessions } from './session-columns.js';

const TYPES: Record<string, DuckDBType> = { INTEGER, DOUBLE, VARCHAR };
const columnIndex = (column: string): number => SESSION_COLUMNS.findIndex(([c]) => c === column);
const INT_AT = INT_COLUMNS.map(columnIndex);
const DOUBLE_AT = DOUBLE_COLUMNS.map(columnIndex);
const TEXT_AT = TEXT_COLUMNS.map(columnIndex);
const SOURCE_ID = INT_COLUMNS.indexOf('source_id') * SESSION_BATCH_ROWS;

export class SessionLoader {
  /**
   * One native chunk, reused: a new chunk per batch is freed only when V8 collects its small JS wrapper,
   * which a mostly idle JS heap does late, so native memory would grow with the input.
   */
  private readonly chunk = DuckDBDataChunk.create(SESSION_COLUMNS.map(([, t]) => TYPES[t]!), SESSION_BATCH_ROWS);
  private readonly validity = new Uint8Array(SESSION_BATCH_ROWS / 8);
  private readonly cache = new AppenderCache();

  constructor(
    private readonly appender: DuckDBAppender,
    private readonly namesAppender: DuckDBAppender,
    private readonly names: NameDictionary,
  ) {}

  static async create(connection: DuckDBConnection, names: NameDictionary): Promise<SessionLoader> {
    return new SessionLoader(await connection.createAppender('session_rows'), await connection.createAppender('names'), names);
  }

  /**
   * Appends a batch encoded by a SessionEncoder (on the ingest worker, or on this thread). Its names must have been
   * adopted into this loader's dictionary; rows encoded without a source id get `sourceId`.
   */
  appendEncoded(batch: EncodedSessions, sourceId: number): void {
    batch.ints.fill(sourceId, SOURCE_ID, SOURCE_ID + batch.rows);
    this.append(batch);
  }

  private append(batch: EncodedSessions): void {
    const rows = batch.rows;
    if (rows === 0) return;
    const pending = this.names.takePending();
    for (const [id, value] of pending) {
      this.namesAppender.appendInteger(id);
      this.namesAppender.appendVarchar(value);
      this.namesAppender.endRow();
    }
    // New names must be in `names` before rows that use them; most batches bring none.
    if (pending.length) this.namesAppender.flushSync();

    const chunk = this.chunk;
    chunk.reset();
    chunk.rowCount = rows;
    const raw = chunk.chunk;
    for (let k = 0; k < INT_AT.length; k++) {
      ddb.copy_data_to_vector(ddb.data_chunk_get_vector(raw, INT_AT[k]!), 0, batch.ints.buffer, batch.ints.byteOffset + k * SESSION_BATCH_ROWS * 4, rows * 4);
    }
    for (let k = 0; k < DOUBLE_AT.length; k++) {
      ddb.copy_data_to_vector(ddb.data_chunk_get_vector(raw, DOUBLE_AT[k]!), 0, batch.doubles.buffer, batch.doubles.byteOffset + k * SESSION_BATCH_ROWS * 8, rows * 8);
    }
    const validity = this.validity;
    let chars = 0;
    for (let k = 0; k < TEXT_AT.length; k++) {
      const vector = ddb.data_chunk_get_vector(raw, TEXT_AT[k]!);
      const { joined, lengths } = batch.texts[k]!;
      chars += joined.length;
      validity.fill(0);
      let nulls = 0;
      let at = 0;
      for (let r = 0; r < rows; r++) {
        const length = lengths[r]!;
        if (length < 0) nulls++;
        else {
          ddb.vector_assign_string_element(vector, r, joined.slice(at, at + length));
          at += length;
          validity[r >> 3]! |= 1 << (r & 7);
        }
      }
      if (nulls > 0) {
        ddb.vector_ensure_validity_writable(vector);
        ddb.copy_data_to_vector_validity(vector, 0, validity.buffer, 0, Math.ceil(rows / 8));
      }
    }
    this.appender.appendDataChunk(chunk);
    this.cache.add(rows, chars);
    if (this.cache.full) this.flush();
  }

  /** Makes every added row visible to queries on this connection. */
  flush(): void {
    this.appender.flushSync();
    this.cache.empty();
  }

  /** Forgets every name (NameDictionary.forget). */
  forgetNames(): void {
    this.names.forget();
  }

  /** Drops the rows added since the last flush (their transaction is being rolled back). */
  discard(): void {
    this.cache.empty();
    this.appender.clear();
    this.namesAppender.clear();
    this.names.rollback();
  }

  close(): void {
    this.appender.closeSync();
    this.namesAppender.closeSync();
  }
}
