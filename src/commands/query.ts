import { prepareDiagnoses } from '../diagnose/run-query.js';
import { formatRows, STREAMING_ROWS, type RowFormat } from '../report/rows.js';
import type { QueryResult } from '../store/database.js';
import type { QueryEngine } from '../engine/query-engine.js';
import { StoreError } from '../store/store-failure.js';
import { ExitCode, streamWriter, UsageError, type CommandIO, type RunCommand } from './command.js';
import { openExternal } from './open-external.js';
import { checkGivenFiles, splitQueryArguments } from './input-checks.js';
import { ingestInto, inputArgs, openStore, reportInputProblems } from './open-inputs.js';

export const run: RunCommand = async ({ positionals, values }, io) => {
  const { sql, files } = await splitQueryArguments(positionals);
  if (!sql) throw new UsageError('query needs an SQL statement, e.g. wsdiag query "SELECT count(*) FROM sessions" --db logs.duckdb');
  const format = (values['format'] ?? 'table') as RowFormat;
  const args = inputArgs(values);
  const external = await openExternal('query', files, values, args);
  if (external) {
    try {
      if (values['write'] === true) throw new UsageError('--write changes a --db database; an export or a cluster is read only here');
      return await runTyped(external.db, sql, format, io, false);
    } finally {
      external.db.close();
    }
  }
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
    return await runTyped(db, sql, format, io, problems);
  } finally {
    db.close();
  }
};

async function runTyped(db: QueryEngine, sql: string, format: RowFormat, io: CommandIO, problems: boolean): Promise<number> {
  // session_causes(since, until, backend) and the other macros the diagnoses use are there for typed SQL too.
  await prepareDiagnoses(db);
  // Typed SQL may not read or write files or change settings.
  await db.lockDown();
  const sqlError = (error: unknown): Error => {
    if (error instanceof StoreError) return error;
    const message = (error as Error).message.split('\n')[0] ?? '';
    return new UsageError(`SQL error: ${message}${/read-only mode/.test(message) ? ' (query opens --db read-only: add --write to change it)' : ''}`);
  };
  const output = { terminal: io.stdoutIsTTY };
  const streaming = STREAMING_ROWS[format];
  if (streaming) {
    // jsonl and csv go out as the engine produces them: a result of any size in constant memory.
    const write = streamWriter(io);
    let batches: AsyncGenerator<QueryResult>;
    let first: IteratorResult<QueryResult>;
    try {
      batches = db.stream(sql);
      first = await batches.next();
    } catch (error) {
      throw sqlError(error);
    }
    if (!first.done) {
      await write(streaming.head(first.value.columns, output));
      await write(streaming.rows(first.value, output));
      try {
        for await (const batch of batches) await write(streaming.rows(batch, output));
      } catch (error) {
        // A row the engine fails on midway (a cast, a division): what came before it is out already.
        throw sqlError(error);
      }
    }
    return problems ? ExitCode.input : ExitCode.ok;
  }
  let result;
  try {
    result = await db.query(sql);
  } catch (error) {
    throw sqlError(error);
  }
  io.out(formatRows[format](result, output));
  return problems ? ExitCode.input : ExitCode.ok;
}
