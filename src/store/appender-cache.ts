/**
 * What a DuckDB appender holds in a cache of its own before it hands rows to its table. Left to itself it keeps up
 * to 204,800 rows there (DuckDB's FLUSH_COUNT), beside the row group the table is filling: ingest of 2 M lines
 * peaked ~55 MB higher for it (340 against 286 MB), ~70 MB when every line is kept as evidence (379 against 304 MB),
 * and was no faster. Every appender of the store (sessions, evidence lines, events, rejects) is flushed once it
 * holds FLUSH_ROWS rows or FLUSH_CHARS of text.
 */
export const FLUSH_ROWS = 16_384;
/** …or once they hold this much text (long lines: 6000 lines of 60 KB would otherwise wait in it until a COMMIT). */
export const FLUSH_CHARS = 4 * 1024 * 1024;

/** Rows and text appended since an appender was last flushed. */
export class AppenderCache {
  private rows = 0;
  private chars = 0;

  /** Counts rows just appended. */
  add(rows: number, chars: number): void {
    this.rows += rows;
    this.chars += chars;
  }

  /** The appender should be flushed now. */
  get full(): boolean {
    return this.rows >= FLUSH_ROWS || this.chars >= FLUSH_CHARS;
  }

  /** The appender was flushed, or cleared. */
  empty(): void {
    this.rows = 0;
    this.chars = 0;
  }
}
