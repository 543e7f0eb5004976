import { prepareDiagnoses } from '../diagnose/run-query.js';
import { formatRows, type RowFormat } from '../report/rows.js';
import { ExitCode, UsageError, type RunCommand } from './command.js';
import { checkGivenFiles, splitQueryArguments } from './input-checks.js';
import { ingestInto, inputArgs, openStore, reportInputProblems } from './open-inputs.js';

export const run: RunCommand = async ({ positionals, values }, io) => {
  const { sql, files } = await splitQueryArguments(positionals);
  if (!sql) throw new UsageError('query needs an SQL statement, e.g. wsdiag query "SELECT count(*) FROM sessions" --db logs.duckdb');
  const format = (values['format'] ?? 'table') as RowFormat;
  const args = inputArgs(values);
  if (!args.db && files.length === 0) throw new UsageError(`query needs --db FILE or log FILEs to read (and '${sql.length > 40 ? `${sql.slice(0, 40)}…` : sql}' is taken as the SQL)`);
  await checkGivenFiles('query', { logs: files, config: args.configPath, db: args.db });
  const write = values['write'] === true;
  let problems = false;
  if (files.length && args.db) {
    // New lines go into the database; the SQL then runs on it read-only unless --write.
    const store = await openStore(args);
    try {
      problems = reportInputProblems(await ingestInto(store, files, args, io), io);
    } finally {
      store.db.close();
    }
  }
  const store = await openStore(args, { readOnly: !write });
  const db = store.db;
  try {
    if (files.length && !args.db) problems = reportInputProblems(await ingestInto(store, files, args, io), io);
    // session_causes(since, until, backend) and the other macros the diagnoses use are there for typed SQL too.
    await prepareDiagnoses(db);
    // Typed SQL may not read or write files or change settings.
    await db.lockDown();
    let result;
    try {
      result = await db.query(sql);
    } catch (error) {
      const message = (error as Error).message.split('\n')[0] ?? '';
      throw new UsageError(`SQL error: ${message}${/read-only mode/.test(message) ? ' (query opens --db read-only: add --write to change it)' : ''}`);
    }
    io.out(formatRows[format](result, { terminal: io.stdoutIsTTY }));
    return problems ? ExitCode.input : ExitCode.ok;
  } finally {
    db.close();
  }
};
