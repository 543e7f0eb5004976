/**
 * The suite runs two test files at a time on two cores (vitest.config.ts): each file's DuckDB databases get one
 * thread, as WSDIAG_THREADS=1 gives the CLIs the tests spawn. A second thread per database only competed with the
 * other file for the cores: the whole suite took 5 m 13 s with one thread per core, 4 m 47 s with one.
 * Tests that need another count say so (openDatabase's `threads`).
 */
import { parseThreads, setDefaultThreads } from '../../src/store/threads.js';

setDefaultThreads(parseThreads(process.env['WSDIAG_THREADS'] ?? '1'));
