/**
 * `npm run bench`: the ingest bench, then the custom log-format bench, both with the arguments given.
 *
 *   npm run build && npm run bench -- [--lines N] [--runs R] [--keep] [--no-stages]
 *
 * npm appends a script's arguments to its last command only: with the two benches chained in package.json,
 * `npm run bench -- --lines 1000000` ran the ingest bench on its default 2,000,000 lines and said nothing. Here
 * --lines and --runs go to both, --keep and --no-stages to the ingest bench (the custom-format bench has neither).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    lines: { type: 'string' },
    runs: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'no-stages': { type: 'boolean', default: false },
  },
});
const shared = [...(values.lines ? ['--lines', values.lines] : []), ...(values.runs ? ['--runs', values.runs] : [])];
const benches: [string, string[]][] = [
  ['ingest-bench.ts', [...shared, ...(values.keep ? ['--keep'] : []), ...(values['no-stages'] ? ['--no-stages'] : [])]],
  ['custom-format-bench.ts', shared],
];
for (const [script, args] of benches) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(script, import.meta.url)), ...args], { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
