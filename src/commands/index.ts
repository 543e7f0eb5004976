import { analyzeCommand } from './analyze.js';
import type { CommandSpec } from './command.js';
import { configCommand } from './config.js';
import { lintCommand } from './lint.js';
import { liveCommand } from './live.js';
import { ingestCommand } from './ingest.js';
import { queryCommand } from './query.js';
import { reportCommand } from './report.js';
import { sessionsCommand } from './sessions.js';
import { tuiCommand } from './tui.js';

/** Every subcommand, in the order `wsdiag --help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [analyzeCommand, sessionsCommand, reportCommand, ingestCommand, queryCommand, configCommand, lintCommand, liveCommand, tuiCommand];
