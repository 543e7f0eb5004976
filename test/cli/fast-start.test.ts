/**
 * --help, --version and a mistyped flag answer without loading DuckDB or ink: a command's code is imported only
 * once its arguments parsed. A loader hook records every module the real CLI resolves (and libduckdb when it is
 * dlopen'ed); a run that does load them (analyze) proves the hook sees them.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'wsdiag-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOOKS = join(dir, 'hooks.mjs');
writeFileSync(HOOKS, `import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(log, result.url + '\\n');
  return result;
}
`);
const REGISTER = join(dir, 'register.mjs');
writeFileSync(REGISTER, `import { register } from 'node:module';
import { appendFileSync } from 'node:fs';
const log = process.env.WSDIAG_TEST_LOADS;
register(${JSON.stringify(`file://${HOOKS}`)}, { data: { log } });
const dlopen = process.dlopen;
process.dlopen = function (module, file, ...rest) { appendFileSync(log, 'dlopen:' + file + '\\n'); return dlopen.call(this, module, file, ...rest); };
`);

let n = 0;
/** The modules and native libraries `wsdiag ARGS` loaded. */
async function loadedBy(args: string[]): Promise<string[]> {
  const log = join(dir, `loads-${n++}.txt`);
  writeFileSync(log, '');
  await promisify(execFile)(process.execPath, ['--import', REGISTER, '--import', 'tsx', join(ROOT, 'src/cli.ts'), ...args], {
    cwd: ROOT, env: { ...process.env, WSDIAG_TEST_LOADS: log, TZ: 'UTC' },
  }).catch(() => undefined);
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

const heavy = (loads: string[]): string[] => loads.filter((l) => /duckdb|node_modules\/(ink|react)\//.test(l));

describe('fast start', () => {
  // A spawn each: the cases of program.test.ts that take different paths (help, version, a flag error, a bad choice).
  it.each([[['--help']], [['-V']], [['help', 'live']], [['analyze', 'x.log', '--formt', 'json']], [['sessions', 'x.log', '--format', 'yaml']]])(
    'wsdiag %j loads neither DuckDB nor ink', async (args) => {
      const loads = await loadedBy(args);
      expect(loads.some((l) => l.endsWith('/src/commands/program.ts'))).toBe(true);
      expect(heavy(loads)).toEqual([]);
    });

  it('a command that runs loads DuckDB (the hook sees it), after the allocator settings', async () => {
    const loads = await loadedBy(['analyze', 'samples/ws-tcplog.log', '--format', 'json']);
    expect(loads.some((l) => l.startsWith('dlopen:') && /duckdb/.test(l))).toBe(true);
    expect(loads.findIndex((l) => l.endsWith('/src/allocator-env.ts'))).toBeLessThan(loads.findIndex((l) => /@duckdb/.test(l)));
  });
});
