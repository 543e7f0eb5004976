#!/usr/bin/env node
/**
 * The edge: argv → command, exit codes, stdout/stderr. The only module that touches process.* (with
 * allocator-env.ts, which has to run before DuckDB loads).
 * Exit codes: 0 ok, 1 usage error, 2 input error, 3 threshold crossed, 4 the database could not be opened or written.
 */
// First: ES modules run in import order, and this one sets what DuckDB's allocator reads when it loads.
import './allocator-env.js';
import { openSync } from 'node:fs';
import { isatty, ReadStream } from 'node:tty';
import { parseArgs } from 'node:util';
import { ExitCode, InputError, UsageError, type CommandIO, type CommandSpec } from './commands/command.js';
import { COMMANDS } from './commands/index.js';
import { StoreError } from './store/database.js';

function commandHelp(command: CommandSpec): string {
  const lines = [`usage: ${command.usage}`, '', command.summary, '', 'options:'];
  for (const [name, spec] of Object.entries(command.options)) {
    const flag = `--${name}${spec.type === 'string' ? ' VALUE' : ''}`;
    lines.push(`  ${flag.padEnd(24)} ${spec.description}${spec.default ? ` (default: ${spec.default})` : ''}`);
  }
  lines.push(`  ${'--help'.padEnd(24)} this help`);
  return lines.join('\n') + '\n';
}

function mainHelp(): string {
  return [
    'wsdiag — why WebSocket connections through HAProxy fail',
    '',
    'usage: wsdiag COMMAND [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`),
    '',
    "Run 'wsdiag COMMAND --help' for a command's options.",
    '',
  ].join('\n');
}

export async function main(argv: readonly string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(mainHelp());
    return name ? ExitCode.ok : ExitCode.usage;
  }
  if (name === '--version') {
    io.out('wsdiag 0.1.0\n');
    return ExitCode.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`wsdiag: unknown command '${name}' (try wsdiag --help)\n`);
    return ExitCode.usage;
  }
  try {
    const options = Object.fromEntries(
      Object.entries(command.options).map(([k, s]) => [k, { type: s.type, multiple: s.multiple ?? false, ...(s.short ? { short: s.short } : {}) }]),
    );
    const parsed = parseArgs({ args: [...rest], options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    if (parsed.values['help']) {
      io.out(commandHelp(command));
      return ExitCode.ok;
    }
    return await command.run({ positionals: parsed.positionals, values: parsed.values as Record<string, string | boolean | string[] | undefined> }, io);
  } catch (error) {
    if (error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`wsdiag ${name}: ${(error as Error).message}\n`);
      return ExitCode.usage;
    }
    if (error instanceof InputError) {
      io.err(`wsdiag ${name}: ${(error as Error).message}\n`);
      return ExitCode.input;
    }
    if (error instanceof StoreError) {
      io.err(`wsdiag ${name}: ${(error as Error).message}\n`);
      return ExitCode.store;
    }
    io.err(`wsdiag ${name}: internal error: ${(error as Error).message?.split('\n')[0] ?? String(error)}\n`);
    if (process.env['WSDIAG_DEBUG']) io.err(`${(error as Error).stack}\n`);
    return 70;
  }
}

const io: CommandIO = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  stdoutIsTTY: Boolean(process.stdout.isTTY),
  get stdin() {
    return process.stdin;
  },
  stdinIsTTY: isatty(0),
  stdout: process.stdout,
  noColor: Boolean(process.env['NO_COLOR']),
  // Logs on stdin: keys come from the controlling terminal, reopened (as goaccess does).
  openKeyboard: () => {
    try {
      return new ReadStream(openSync('/dev/tty', 'r')) as unknown as NodeJS.ReadStream;
    } catch {
      return null;
    }
  },
  onInterrupt: (handler) => {
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    };
  },
};

// A closed pipe (`wsdiag query … | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
});

main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`wsdiag: internal error: ${String(error)}\n`);
    process.exitCode = 70;
  },
);
