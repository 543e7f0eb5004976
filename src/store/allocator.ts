/**
 * Options for DuckDB's allocator (the jemalloc inside libduckdb). It reads them from the environment once, when the
 * library loads, so they are set by src/allocator-env.ts, which cli.ts imports before anything that loads DuckDB.
 */

/** The variable libduckdb's jemalloc reads (jemalloc's MALLOC_CONF under DuckDB's prefix). */
export const ALLOCATOR_ENV = 'DUCKDB_JE_MALLOC_CONF';

/** The commands whose freed pages go back after a quarter of a second (see allocatorConf). */
const QUICK_RETURN: ReadonlySet<string> = new Set(['ingest', 'analyze', 'report', 'sessions', 'query', 'tui']);

/**
 * What each command asks of DuckDB's allocator. An allocator setting the user gives in ALLOCATOR_ENV wins.
 * - `live` runs for hours under a memory bound: freed pages go back to the system at once, where DuckDB's own
 *   settings keep them for a second, then mark them reclaimable for another (they count in RSS meanwhile). At
 *   100 k lines/s that was 110–130 MB of peak RSS (see LIVE_DATABASE in pipeline/live-policy.ts); the cost is CPU, which
 *   live mode has to spare at that rate.
 * - `ingest` keeps freed pages a quarter of a second and then gives them back. At once was ~12% slower; a quarter
 *   of a second costs no time measured: 2 M lines, six runs each way, peaked at 359–397 MB (mean 376) against
 *   365–409 MB (mean 395) with DuckDB's settings, in 8.6–9.3 s both.
 * - the analyses (`analyze`, `report`, `sessions`, `query`, `tui`) keep them a quarter of a second as ingest does:
 *   each diagnosis frees what the one before it built, and held for DuckDB's second those pages added up in RSS.
 *   `report --db` over 50 M sessions peaked at 408 MB against 429 (138.3 s against 156.7, the same report byte for
 *   byte); the analysis queries' high-water mark 389 MB against 426. `analyze --db` paired with DuckDB's settings
 *   (farm-bench, medians): 2 M sessions 311 against 338 MiB for 1.06× the wall time (4 pairs); 10 M 337 against
 *   377 MiB for 1.10× (1 pair). The memory bound is the one not met at 50 M; the time is paid for it.
 * - the other commands (config, lint, export…) keep DuckDB's settings.
 */
export function allocatorConf(command: string | undefined): string | null {
  if (command === 'live') return 'dirty_decay_ms:0,muzzy_decay_ms:0';
  if (command !== undefined && QUICK_RETURN.has(command)) return 'dirty_decay_ms:250,muzzy_decay_ms:0';
  return null;
}
