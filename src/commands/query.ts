import { prepareDiagnoses } from '../diagnose/run-query.js';
import { formatRows, ROW_FORMATS, type RowFormat } from '../report/rows.js';
import { ExitCode, UsageError, type CommandSpec } from './command.js';
import { INPUT_OPTIONS } from './common-options.js';
import { ingestInto, inputArgs, openStore, reportInputProblems } from './open-inputs.js';

export const queryCommand: CommandSpec = {
  name: 'query',
  usage: 'wsdiag query "SQL" [FILE…] [--db FILE.duckdb] [--format table|json|jsonl|csv]',
  summary: 'Run SQL over the sessions, events, rejects and ingests tables (FILEs are ingested first)',
  options: {
    ...INPUT_OPTIONS,
    format: { type: 'string', description: ROW_FORMATS.join(', '), default: 'table' },
  },
  async run({ positionals, values }, io) {
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
      // session_causes() and the other macros the README documents, defined before typed SQL may no longer
      // read or write files or change settings.
      await prepareDiagnoses(db);
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
  },
};
