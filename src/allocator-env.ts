/**
 * Part of the edge (cli.ts): sets DuckDB's allocator options for the command on the command line. It must run
 * before @duckdb/node-api loads, which is why cli.ts imports it first; see src/store/allocator.ts.
 */
import { ALLOCATOR_ENV, allocatorConf } from './store/allocator.js';

const conf = allocatorConf(process.argv[2]);
if (conf !== null && process.env[ALLOCATOR_ENV] === undefined) process.env[ALLOCATOR_ENV] = conf;
