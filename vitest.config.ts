import { defineConfig } from 'vitest/config';

// The CLI tests run commands in-process and compare their output with golden files written in UTC; the test
// workers inherit this (spawned CLIs get TZ=UTC too). Time-zone tests name their zones.
process.env['TZ'] = 'UTC';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
