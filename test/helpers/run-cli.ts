/**
 * The CLI as a user runs it, not a TTY: exit code, stdout and stderr. `wsdiag` runs it in this process (the same
 * runCli the bin calls, ~100 times cheaper than a new node); `wsdiagProcess` spawns the real bin for what only
 * a process shows (the bin itself, stdin, signals, what gets loaded). Both in UTC (vitest.config.ts sets TZ).
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
  return runInProcess(args);
}

export async function wsdiagProcess(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), ...args], { cwd: ROOT, env: { ...process.env, TZ: 'UTC' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
