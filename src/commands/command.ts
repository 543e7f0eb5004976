/** What a subcommand gets from the edge (cli.ts), and the errors that map to exit codes. */
export interface CommandIO {
  readonly out: (text: string) => void;
  /**
   * Writes like `out`, resolving once the output can take more (a slow pipe holds a command that streams millions
   * of rows back instead of letting them pile up in memory). Without it, `out`.
   */
  readonly write?: (text: string) => Promise<void>;
  readonly err: (text: string) => void;
  readonly stdoutIsTTY: boolean;
  /** For live and tui (absent in tests that do not need them): logs piped in, and the terminal. */
  readonly stdin?: NodeJS.ReadableStream;
  readonly stdinIsTTY?: boolean;
  readonly stdout?: NodeJS.WriteStream;
  /** NO_COLOR is set (https://no-color.org). */
  readonly noColor?: boolean;
  /** The keyboard when stdin carries logs: the controlling terminal (/dev/tty), or null without one. */
  readonly openKeyboard?: () => NodeJS.ReadStream | null;
  /** Calls `handler` on SIGINT/SIGTERM instead of dying; returns a function that removes it. */
  readonly onInterrupt?: (handler: () => void) => () => void;
}

/** io.write, or io.out where the edge gives no backpressure (tests): what a command streaming rows writes with. */
export const streamWriter = (io: CommandIO): ((text: string) => Promise<void>) => io.write ?? (async (text: string) => io.out(text));

/** 0 ok, 1 usage, 2 an input could not be read, 3 a threshold was crossed, 4 the database could not be opened or written. */
export const ExitCode = { ok: 0, usage: 1, input: 2, threshold: 3, store: 4 } as const;

/** Wrong words on the command line: exit 1. */
export class UsageError extends Error {}
/** An input could not be read (missing file, corrupt gzip…): exit 2. */
export class InputError extends Error {}

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly description: string;
  readonly default?: string;
  /** The only values the option takes: checked while parsing, before any command code loads. */
  readonly choices?: readonly string[];
  /** What the shell completes the value with: files, or the choices. */
  readonly complete?: 'file';
}

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

/** A command's code: loaded only once its arguments parsed (DuckDB and ink load with it, not before). */
export type RunCommand = (args: { positionals: string[]; values: OptionValues }, io: CommandIO) => Promise<number>;

export interface CommandSpec {
  readonly name: string;
  /** What follows the command's name in a usage line: `FILE… [--config haproxy.cfg]…`. */
  readonly usage: string;
  readonly summary: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Positional arguments are files (for shell completion). */
  readonly fileArguments: boolean;
  readonly load: () => Promise<RunCommand>;
}
