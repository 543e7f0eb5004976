/**
 * The CLI as a user runs it, not a TTY: exit code, stdout and stderr. `wsdiag` spawns the real bin (a process of
 * its own: what gets loaded, stdin, locks held by another process); `wsdiagInProcess` runs the same runCli in
 * this process, ~100 times cheaper, for what does not need a process. Both in UTC (vitest.config.ts sets TZ).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
export { runInProcess } from './capture-io.js';
import { runInProcess } from './capture-io.js';

const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export async function wsdiag(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), ...args], { cwd: ROOT, env: { ...process.env, TZ: 'UTC' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

export async function wsdiagInProcess(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runInProcess(args);
}
