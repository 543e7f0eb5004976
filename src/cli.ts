#!/usr/bin/env node
/**
 * The edge: argv → command, exit codes, stdout/stderr. The only module that touches process.* (with
 * allocator-env.ts, which has to run before DuckDB loads). Parsing lives in commands/program.ts; a command's
 * code, and DuckDB and ink with it, is imported only once its arguments parsed (--help answers at once).
 * Exit codes: 0 ok, 1 usage error, 2 input error, 3 threshold crossed, 4 the database could not be opened or
 * written, 70 internal error.
 */
// First: ES modules run in import order, and this one sets what DuckDB's allocator reads when it loads.
import './allocator-env.js';
import { openSync } from 'node:fs';
import { isatty, ReadStream } from 'node:tty';
import type { CommandIO } from './commands/command.js';
import { runCli } from './commands/program.js';

const io: CommandIO = {
  out: (text) => void process.stdout.write(text),
  write: (text) => (process.stdout.write(text) ? Promise.resolve() : new Promise((resolve) => process.stdout.once('drain', resolve))),
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

runCli(process.argv.slice(2), io, { debug: Boolean(process.env['WSDIAG_DEBUG']), ...(process.env['WSDIAG_THREADS'] !== undefined ? { threads: process.env['WSDIAG_THREADS'] } : {}) }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`wsdiag: internal error: ${String(error)}\n`);
    process.exitCode = 70;
  },
);
