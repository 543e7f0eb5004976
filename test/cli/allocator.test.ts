import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ALLOCATOR_ENV, allocatorConf } from '../../src/store/allocator.js';
import { ROOT } from '../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'wsdiag-alloc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A preload that records DuckDB's allocator variable at the moment libduckdb loads (process.dlopen): jemalloc
 * reads it then, and never again.
 */
const HOOK = join(dir, 'hook.mjs');
writeFileSync(
  HOOK,
  `const dlopen = process.dlopen;
let seen = 'not loaded';
process.dlopen = function (module, file, ...rest) {
  if (/duckdb/.test(file)) seen = process.env.${ALLOCATOR_ENV} ?? 'unset';
  return dlopen.call(this, module, file, ...rest);
};
process.on('exit', () => process.stderr.write('\\nALLOCATOR ' + seen + '\\n'));
`,
);

/** What DuckDB's allocator was told when `wsdiag ARGS` loaded it (stdin: one empty line). */
async function allocatorSeenBy(args: string[], env: Record<string, string> = {}): Promise<string> {
  const clean: NodeJS.ProcessEnv = { ...process.env, TZ: 'UTC', ...env };
  if (!(ALLOCATOR_ENV in env)) delete clean[ALLOCATOR_ENV];
  const child = promisify(execFile)(process.execPath, ['--import', 'tsx', '--import', HOOK, join(ROOT, 'src/cli.ts'), ...args], { cwd: ROOT, env: clean });
  child.child.stdin?.end('\n');
  const { stderr } = await child;
  return /ALLOCATOR (.*)/.exec(stderr)?.[1] ?? `no report in: ${stderr}`;
}

describe("DuckDB's allocator options", () => {
  it('give freed pages back at once in live mode, after a quarter of a second in a batch ingest and the analyses, and are DuckDB\'s otherwise', () => {
    expect(allocatorConf('live')).toBe('dirty_decay_ms:0,muzzy_decay_ms:0');
    for (const command of ['ingest', 'analyze', 'report', 'sessions', 'query', 'tui']) {
      expect(allocatorConf(command), command).toBe('dirty_decay_ms:250,muzzy_decay_ms:0');
    }
    for (const command of ['config', 'lint', 'export', 'completion', undefined]) expect(allocatorConf(command), String(command)).toBeNull();
  });

  it('reach libduckdb: set before it loads, for the commands that have them only, and a setting of the user wins', async () => {
    expect(await allocatorSeenBy(['live', '--format', 'text'])).toBe('dirty_decay_ms:0,muzzy_decay_ms:0');
    expect(await allocatorSeenBy(['ingest', '-'])).toBe('dirty_decay_ms:250,muzzy_decay_ms:0');
    expect(await allocatorSeenBy(['analyze', '-'])).toBe('dirty_decay_ms:250,muzzy_decay_ms:0');
    expect(await allocatorSeenBy(['config', 'samples/ws-httplog.cfg'])).toBe('unset');
    expect(await allocatorSeenBy(['live', '--format', 'text'], { [ALLOCATOR_ENV]: 'dirty_decay_ms:500' })).toBe('dirty_decay_ms:500');
  });
});
