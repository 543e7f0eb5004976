import { prepareDiagnoses, runQuery, streamQuery } from '../diagnose/run-query.js';
import { formatRows, ROW_FORMATS, STREAMING_ROWS, type RowFormat } from '../report/rows.js';
import { ExitCode, UsageError, type RunCommand } from './command.js';
import { ingestInto, inputArgs, openStore, reportInputProblems } from './open-inputs.js';
import { scopeArgs } from './time-args.js';

export const run: RunCommand = async ({ positionals, values }, io) => {
  const format = (values['format'] ?? 'jsonl') as RowFormat;
  if (!ROW_FORMATS.includes(format)) throw new UsageError(`--format takes ${ROW_FORMATS.join(', ')}`);
  const args = inputArgs(values);
  if (!args.db && positionals.length === 0) throw new UsageError('sessions needs log FILEs (or - for stdin), or --db FILE');
  const scope = scopeArgs(values, new Date(), args.tz);
  const store = await openStore(args);
  try {
    const problems = positionals.length ? reportInputProblems(await ingestInto(store, positionals, args, io), io) : false;
    await prepareDiagnoses(store.db);
    const columns = ['ts', 'client_ip', 'client_port', 'frontend', 'backend', 'server', 'status', 'termination', 'tt_ms', 'upgraded', 'cause'];
    const streaming = STREAMING_ROWS[format];
    if (streaming) {
      // jsonl and csv go out as DuckDB produces them: an archive of any size in constant memory.
      io.out(streaming.head(columns));
      for await (const rows of streamQuery(store.db, 'session-list', scope)) io.out(streaming.rows({ columns, rows }));
    } else {
      io.out(formatRows[format]({ columns, rows: await runQuery(store.db, 'session-list', scope) }));
    }
    return problems ? ExitCode.input : ExitCode.ok;
  } finally {
    store.db.close();
  }
};
