/** What a subcommand gets from the edge (cli.ts), and the errors that map to exit codes. */
export interface CommandIO {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly stdoutIsTTY: boolean;
}

export const ExitCode = { ok: 0, usage: 1, input: 2, threshold: 3 } as const;

/** Wrong words on the command line: exit 1. */
export class UsageError extends Error {}
/** An input could not be read (missing file, corrupt gzip…): exit 2. */
export class InputError extends Error {}

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  readonly description: string;
  readonly default?: string;
}

export interface CommandSpec {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  run(args: { positionals: string[]; values: Record<string, string | boolean | string[] | undefined> }, io: CommandIO): Promise<number>;
}
