/**
 * Programmatic entry point of the HAProxy lab, for e2e tests:
 *
 *   import { runScenario, checkTruth, ALL_SCENARIOS, haproxyAvailable } from './lab/index.js';
 *   const res = await runScenario(ALL_SCENARIOS['ws-httplog']!());
 *   // res.lines: what HAProxy wrote; res.truth: one record per client (keyed by clientPort)
 *
 * See test/e2e/lab/NOTES.md for what HAProxy 2.6 really logs.
 */
export * from './haproxy-lab.js';
export * from './ws-backend.js';
export * from './ws-client.js';
export * from './scenarios.js';
