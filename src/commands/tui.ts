import { createScreenSource } from '../diagnose/screen-source.js';
import { UsageError, ExitCode, type RunCommand } from './command.js';
import { openParquetDatabase } from '../store/parquet-database.js';
import { NotAnExportError } from '../store/parquet-layout.js';
import { ingestInto, inputArgs, loadConfig, openStore, reportInputProblems } from './open-inputs.js';

async function openParquet(dir: string) {
  try {
    return await openParquetDatabase(dir);
  } catch (error) {
    if (error instanceof NotAnExportError) throw new UsageError(error.message);
    throw error;
  }
}
import { checkGivenFiles } from './input-checks.js';

export const run: RunCommand = async ({ positionals, values }, io) => {
  const args = inputArgs(values);
  await checkGivenFiles('tui', { logs: positionals, config: args.configPath, db: args.db });
  const parquet = typeof values['parquet'] === 'string' ? values['parquet'] : null;
  if (!args.db && positionals.length === 0 && parquet === null) throw new UsageError('tui needs log FILEs, --db FILE or --parquet DIR');
  if (parquet !== null && (args.db || positionals.length)) throw new UsageError('tui reads either --parquet DIR, or log FILEs and --db');
  if (!io.stdoutIsTTY || !io.stdout) throw new UsageError('tui needs a terminal on stdout (use wsdiag analyze for a report)');
  const stdinTaken = positionals.includes('-');
  let keyboard: NodeJS.ReadStream | null = null;
  let ownKeyboard = false;
  if (!stdinTaken && io.stdinIsTTY && io.stdin) keyboard = io.stdin as NodeJS.ReadStream;
  else {
    keyboard = io.openKeyboard?.() ?? null;
    ownKeyboard = keyboard !== null;
  }
  if (!keyboard) throw new UsageError('tui needs a keyboard (a terminal)');
  const store = parquet !== null ? { db: await openParquet(parquet), config: await loadConfig(args.configPath) } : await openStore(args, { mustExist: positionals.length === 0 });
  const db = store.db;
  try {
    const problems = positionals.length ? reportInputProblems(await ingestInto(store, positionals, args, io), io) : false;
    const source = createScreenSource(db, { config: store.config, windowMs: null, backend: typeof values['backend'] === 'string' ? values['backend'] : null });
    const { runScreens } = await import('../ui/run-screens.js');
    try {
      await runScreens({ source, title: args.db ?? parquet ?? positionals.join(' '), color: !io.noColor, ...(args.tz ? { timeZone: args.tz } : {}), stdin: keyboard, stdout: io.stdout });
    } finally {
      await source.close();
    }
    return problems ? ExitCode.input : ExitCode.ok;
  } finally {
    if (ownKeyboard) keyboard.destroy();
    db.close();
  }
};
