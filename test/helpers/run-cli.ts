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
  return wsdiagWithEnv({}, ...args);
}

/** `wsdiag` with these environment variables changed (undefined: removed). */
export async function wsdiagWithEnv(changes: Readonly<Record<string, string | undefined>>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, TZ: 'UTC', ...changes };
  for (const [name, value] of Object.entries(changes)) if (value === undefined) delete env[name];
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), ...args], { cwd: ROOT, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

export async function wsdiagInProcess(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runInProcess(args);
}
