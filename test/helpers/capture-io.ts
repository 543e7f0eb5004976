/** A CommandIO that collects what a command prints, for running the CLI in-process (not a TTY unless asked). */
import type { CommandIO } from '../../src/commands/command.js';
import { runCli } from '../../src/commands/program.js';

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runInProcess(args: string[], options: { tty?: boolean } = {}): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: CommandIO = { out: (t) => void (stdout += t), err: (t) => void (stderr += t), stdoutIsTTY: options.tty ?? false };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}
