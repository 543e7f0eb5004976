/** JSON as a command prints it: indented, and on a terminal with what a terminal would act on escaped (same data once parsed). */
import { jsonForTerminal } from '../text/display-text.js';
import type { CommandIO } from './command.js';

export function jsonOutput(value: unknown, io: CommandIO): string {
  const json = JSON.stringify(value, null, 2) + '\n';
  return io.stdoutIsTTY ? jsonForTerminal(json) : json;
}
