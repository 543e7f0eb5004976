import { formatRows, ROW_FORMATS, type RowFormat } from '../report/rows.js';
import { ExitCode, UsageError, type RunCommand } from './command.js';
import { ingestInto, inputArgs, openStore, reportInputProblems } from './open-inputs.js';

export const run: RunCommand = async ({ positionals, values }, io) => {
  const [sql, ...files] = positionals;
  if (!sql) throw new UsageError('query needs an SQL statement, e.g. wsdiag query "SELECT count(*) FROM sessions" --db logs.duckdb');
  const format = (values['format'] ?? 'table') as RowFormat;
  if (!ROW_FORMATS.includes(format)) throw new UsageError(`--format takes ${ROW_FORMATS.join(', ')}`);
  const args = inputArgs(values);
  if (!args.db && files.length === 0) throw new UsageError('query needs --db FILE or log FILEs to read');
  const store = await openStore(args);
  const db = store.db;
  try {
    let problems = false;
    if (files.length) problems = reportInputProblems(await ingestInto(store, files, args, io), io);
    // Typed SQL may not read or write files or change settings.
    await db.lockDown();
    let result;
    try {
      result = await db.query(sql);
    } catch (error) {
      throw new UsageError(`SQL error: ${(error as Error).message.split('\n')[0]}`);
    }
    io.out(formatRows[format](result));
    return problems ? ExitCode.input : ExitCode.ok;
  } finally {
    db.close();
  }
};
