/**
 * Bulk load of the evidence lines that are not in a session's row (see schema.ts: raw_line_rows) one DuckDB data
 * chunk (2048 rows) at a time: the two number columns in one copy each, the text one native call per line.
 */
import ddb from '@duckdb/node-bindings';
import { BLOB, DuckDBDataChunk, INTEGER, VARCHAR, type DuckDBAppender } from '@duckdb/node-api';
import { AppenderCache } from './appender-cache.js';

const ROWS = 2048;
/**
 * …or sooner, once the lines held add up to this many characters: 2048 lines of 60 KB held ~120 MB as strings and
 * again in the chunk. An ingest of 6000 lines of 60 KB (half of them kept as evidence) peaked at 795 MB before, 624
 * after; 3000 such lines 578 → 530 MB. (Flushing the appender at each such drain as well changed nothing.)
 */
export const DRAIN_CHARS = 4 * 1024 * 1024;

export class RawLineLoader {
  /** One native chunk, reused (see SessionLoader). */
  private readonly chunk = DuckDBDataChunk.create([INTEGER, INTEGER, VARCHAR, BLOB], ROWS);
  private readonly sourceIds = new Int32Array(ROWS);
  private readonly lineNos = new Int32Array(ROWS);
  private readonly raws: string[] = [];
  private readonly bytes: (Uint8Array | null)[] = [];
  private readonly validity = new Uint8Array(ROWS / 8);
  private rows = 0;
  private chars = 0;
  private readonly cache = new AppenderCache();

  constructor(private readonly appender: DuckDBAppender) {}

  add(sourceId: number, lineNo: number, raw: string, bytes: Uint8Array | null): void {
    const r = this.rows;
    this.sourceIds[r] = sourceId;
    this.lineNos[r] = lineNo;
    this.raws[r] = raw;
    this.bytes[r] = bytes;
    this.chars += raw.length;
    if (++this.rows === ROWS || this.chars >= DRAIN_CHARS) this.drain();
  }

  private drain(): void {
    const rows = this.rows;
    if (rows === 0) return;
    const chunk = this.chunk;
    chunk.reset();
    chunk.rowCount = rows;
    const raw = chunk.chunk;
    ddb.copy_data_to_vector(ddb.data_chunk_get_vector(raw, 0), 0, this.sourceIds.buffer, 0, rows * 4);
    ddb.copy_data_to_vector(ddb.data_chunk_get_vector(raw, 1), 0, this.lineNos.buffer, 0, rows * 4);
    const text = ddb.data_chunk_get_vector(raw, 2);
    for (let r = 0; r < rows; r++) ddb.vector_assign_string_element(text, r, this.raws[r]!);
    // The exact bytes, only for the lines that were not valid UTF-8: mostly NULL.
    const blob = ddb.data_chunk_get_vector(raw, 3);
    const validity = this.validity;
    validity.fill(0);
    let nulls = 0;
    for (let r = 0; r < rows; r++) {
      const b = this.bytes[r];
      if (b) {
        ddb.vector_assign_string_element_len(blob, r, b);
        validity[r >> 3]! |= 1 << (r & 7);
      } else nulls++;
    }
    if (nulls > 0) {
      ddb.vector_ensure_validity_writable(blob);
      ddb.copy_data_to_vector_validity(blob, 0, validity.buffer, 0, Math.ceil(rows / 8));
    }
    this.appender.appendDataChunk(chunk);
    this.cache.add(rows, this.chars);
    if (this.cache.full) this.flushAppender();
    this.rows = 0;
    this.chars = 0;
    this.raws.length = 0;
    this.bytes.length = 0;
  }

  /** Makes every added line visible to queries on this connection. */
  flush(): void {
    this.drain();
    this.flushAppender();
  }

  private flushAppender(): void {
    this.appender.flushSync();
    this.cache.empty();
  }

  /** Drops the lines added since the last flush (their transaction is being rolled back). */
  clear(): void {
    this.cache.empty();
    this.rows = 0;
    this.chars = 0;
    this.raws.length = 0;
    this.bytes.length = 0;
    this.appender.clear();
  }

  close(): void {
    this.appender.closeSync();
  }
}
