/**
 * The command line, parsed by commander (subcommands, `help COMMAND`, -V/--version, "did you mean" for a
 * mistyped command or flag, choices checked while parsing). Errors end as one line saying what is wrong, the
 * command's usage line and where to read more; exit codes are src/commands/command.ts's. Pure of process.*:
 * src/cli.ts hands it argv and the streams.
 */
import { Command, CommanderError, Option } from 'commander';
import { COMPLETION_SHELLS, completionScript } from './completion.js';
import { ExitCode, InputError, UsageError, type CommandIO, type CommandSpec, type OptionValues } from './command.js';
import { COMMANDS } from './index.js';
import { packageVersion } from './package-version.js';
import { StoreError } from '../store/store-failure.js';
import { parseThreads, setDefaultThreads } from '../store/threads.js';
import { displayText } from '../text/display-text.js';


const SUMMARY = 'Why WebSocket connections through HAProxy fail: reads HAProxy logs into DuckDB and diagnoses them.';

/** commander's `error: unknown option '--formt'\n(Did you mean --format?)` as one line of ours. */
function oneLine(message: string): string {
  return message
    .replace(/^error: /, '')
    .replace(/\n\(Did you mean (.*)\?\)/, ' (did you mean $1?)')
    .replace(/\n/g, ' ')
    .trim();
}

export interface RunOptions {
  /** Print the stack of an internal error (WSDIAG_DEBUG). */
  readonly debug?: boolean;
  /** WSDIAG_THREADS as given: caps DuckDB's threads (src/store/threads.ts). */
  readonly threads?: string;
}

/** Errors a command's code throws, as exit codes; anything else is a bug (70). */
function classify(error: unknown): 'usage' | 'input' | 'store' | 'internal' {
  if (error instanceof UsageError) return 'usage';
  if (error instanceof InputError) return 'input';
  if (error instanceof StoreError) return 'store';
  return 'internal';
}

export async function runCli(argv: readonly string[], io: CommandIO, options: RunOptions = {}): Promise<number> {
  let failed: { spec: CommandSpec | null; error: CommanderError } | null = null;
  let exitCode: number = ExitCode.ok;

  const program = new Command('wsdiag')
    .description(SUMMARY)
    .usage('COMMAND [options]')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'this help')
    .helpCommand('help [command]', 'help for a command')
    .showSuggestionAfterError(true)
    .configureHelp({ subcommandTerm: (command) => command.name() + (command.name() === 'completion' ? ' SHELL' : command.name() === 'help' ? ' [COMMAND]' : '') })
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text), outputError: () => undefined })
    .exitOverride((error) => {
      failed ??= { spec: null, error };
      throw error;
    });
  program.addHelpText('after', `\nRun 'wsdiag COMMAND --help' for a command's options. Exit codes: 0 ok, 1 usage, 2 input, 3 threshold crossed, 4 database.\n`);

  for (const spec of COMMANDS) {
    const command = program
      .command(spec.name)
      .description(spec.summary)
      .usage(spec.usage)
      .argument('[arguments...]')
      .helpOption('-h, --help', 'this help')
      .exitOverride((error) => {
        failed ??= { spec, error };
        throw error;
      });
    const attributes: [string, string][] = [];
    for (const [name, o] of Object.entries(spec.options)) {
      const option = new Option(o.type === 'string' ? `--${name} <value>` : `--${name}`, o.description);
      if (o.choices) option.choices(o.choices);
      if (o.default !== undefined) option.default(o.default);
      if (o.multiple) option.argParser((value: string, previous: string[] | undefined) => [...(previous === undefined || previous === option.defaultValue ? [] : previous), value]);
      command.addOption(option);
      attributes.push([name, option.attributeName()]);
    }
    command.action(async (positionals: string[]) => {
      const opts = command.opts();
      const values: OptionValues = Object.fromEntries(attributes.map(([name, attribute]) => [name, opts[attribute] as OptionValues[string]]));
      if (options.threads !== undefined) {
        const threads = parseThreads(options.threads);
        if (threads === null) throw new UsageError(`WSDIAG_THREADS takes a whole number of threads from 1 to 1024, not '${displayText(options.threads)}'`);
        setDefaultThreads(threads);
      }
      const run = await spec.load();
      exitCode = await run({ positionals, values }, io);
    });
  }

  program
    .command('version')
    .description('print the version')
    .action(() => io.out(`${packageVersion()}\n`));
  program
    .command('completion')
    .description(`print a shell completion script (${COMPLETION_SHELLS.join(', ')}), e.g. wsdiag completion bash > /etc/bash_completion.d/wsdiag`)
    .argument('<shell>', COMPLETION_SHELLS.join(', '))
    .exitOverride((error) => {
      failed ??= { spec: null, error };
      throw error;
    })
    .action((shell: string) => {
      const script = completionScript(shell, COMMANDS);
      if (script === null) throw new UsageError(`completion takes ${COMPLETION_SHELLS.join(', ')}, not '${shell}'`);
      io.out(script);
    });

  if (argv.length === 0) {
    io.err(program.helpInformation());
    return ExitCode.usage;
  }

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help, --version, `help`: commander printed them.
      if (error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.ok;
      const spec = (failed as { spec: CommandSpec | null } | null)?.spec ?? null;
      const name = spec ? `wsdiag ${spec.name}` : 'wsdiag';
      io.err(`${name}: ${oneLine(error.message)}\n`);
      io.err(spec ? `usage: wsdiag ${spec.name} ${spec.usage}\nRun 'wsdiag ${spec.name} --help' for all its options.\n` : `usage: wsdiag COMMAND [options]\nRun 'wsdiag --help' for the commands.\n`);
      return ExitCode.usage;
    }
    const command = argv[0] && COMMANDS.some((c) => c.name === argv[0]) ? `wsdiag ${argv[0]}` : 'wsdiag';
    const message = (error as Error)?.message ?? String(error);
    switch (classify(error)) {
      case 'usage': {
        const spec = COMMANDS.find((c) => c.name === argv[0]);
        io.err(`${command}: ${message}\n`);
        if (spec) io.err(`usage: wsdiag ${spec.name} ${spec.usage}\n`);
        return ExitCode.usage;
      }
      case 'input':
        io.err(`${command}: ${message}\n`);
        return ExitCode.input;
      case 'store':
        io.err(`${command}: ${message}\n`);
        return ExitCode.store;
      default:
        io.err(`${command}: internal error: ${message.split('\n')[0]}\n`);
        if (options.debug) io.err(`${(error as Error)?.stack}\n`);
        return 70;
    }
  }
}
