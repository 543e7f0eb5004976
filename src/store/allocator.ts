/**
 * Options for DuckDB's allocator (the jemalloc inside libduckdb). It reads them from the environment once, when the
 * library loads, so they are set by src/allocator-env.ts, which cli.ts imports before anything that loads DuckDB.
 */

/** The variable libduckdb's jemalloc reads (jemalloc's MALLOC_CONF under DuckDB's prefix). */
export const ALLOCATOR_ENV = 'DUCKDB_JE_MALLOC_CONF';

/**
 * Live mode runs for hours under a memory bound: DuckDB's allocator there gives freed pages back to the system at
 * once, where DuckDB's own settings keep them for a second, then mark them reclaimable for another (they count in
 * RSS meanwhile). At 100 k lines/s that was 110–130 MB of peak RSS (see LIVE_DATABASE in follow-inputs.ts); the
 * cost is CPU, which live mode has to spare at that rate. A batch ingest was ~12% slower with it and only ~30 MB
 * smaller, so the other commands keep DuckDB's settings. An allocator setting the user gives in ALLOCATOR_ENV wins.
 */
export function allocatorConf(command: string | undefined): string | null {
  return command === 'live' ? 'dirty_decay_ms:0,muzzy_decay_ms:0' : null;
}
