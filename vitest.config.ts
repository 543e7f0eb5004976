import { defineConfig } from 'vitest/config';

// The CLI tests run commands in-process and compare their output with golden files written in UTC; the test
// workers inherit this (spawned CLIs get TZ=UTC too). Time-zone tests name their zones.
process.env['TZ'] = 'UTC';
// One DuckDB thread per database: two test files already run at a time (test/setup/duckdb-threads.ts sets it for
// the databases tests open themselves; the CLIs they spawn read it).
process.env['WSDIAG_THREADS'] = '1';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    setupFiles: ['test/setup/duckdb-threads.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two test files at a time on this project's 2-core machines (vitest's default leaves one core idle): most tests
    // wait on child processes (HAProxy, the CLI, chdb, tmux), not on CPU.
    maxWorkers: 2,
  },
});
