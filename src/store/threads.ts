/**
 * DuckDB's threads for the databases a run opens when their caller does not choose: one per core unless the
 * operator caps them (WSDIAG_THREADS, e.g. scheduled reports on a busy proxy host, or a test runner that already
 * runs one test file per core). A module of its own: the command line sets it without loading DuckDB.
 */
let threads: number | null = null;

/** The cap, or null for DuckDB's default (one thread per core). */
export function defaultThreads(): number | null {
  return threads;
}

/** Sets the cap for every database opened from now on; null gives DuckDB's default back. */
export function setDefaultThreads(value: number | null): void {
  threads = value;
}

/** WSDIAG_THREADS's text → a cap, or null when it is not a whole number from 1 to 1024. */
export function parseThreads(text: string): number | null {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 1024 ? n : null;
}
