/** Mounts the screens on a terminal and resolves when the user quits (q, Ctrl-C); Ink restores the terminal. */
import { render } from 'ink';
import { App } from './App.js';
import type { ScreenSource } from '../diagnose/screen-data.js';

export interface RunScreensOptions {
  readonly source: ScreenSource;
  readonly title: string;
  readonly color: boolean;
  /** --tz: the zone log times are shown in (default this machine's). */
  readonly timeZone?: string;
  /** The keyboard: the process's stdin, or /dev/tty when stdin carries the logs. */
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
}

export async function runScreens(options: RunScreensOptions): Promise<void> {
  const instance = render(<App source={options.source} title={options.title} color={options.color} {...(options.timeZone ? { timeZone: options.timeZone } : {})} />, {
    stdin: options.stdin,
    stdout: options.stdout,
    // Ctrl-C is a binding (quit) so that quitting always takes the same path and the caller cleans up.
    exitOnCtrlC: false,
    patchConsole: false,
  });
  try {
    await instance.waitUntilExit();
  } finally {
    instance.cleanup();
  }
}
