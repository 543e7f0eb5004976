import { prepareDiagnoses } from '../diagnose/run-query.js';
import { sessionList } from '../diagnose/session-list.js';
import { formatRows, STREAMING_ROWS, type RowFormat } from '../report/rows.js';
import { limitToIngest } from '../store/ingest-scope.js';
import { ExitCode, streamWriter, UsageError, type RunCommand } from './command.js';
import { openExternal } from './open-external.js';
import { ingestInto, inputArgs, openStore, reportInputProblems, type Store } from './open-inputs.js';
import { checkGivenFiles } from './input-checks.js';
import { scopeArgs } from './time-args.js';

export const run: RunCommand = async ({ positionals, values }, io) => {
  const format = (values['format'] ?? 'jsonl') as RowFormat;
  const args = inputArgs(values);
  await checkGivenFiles('sessions', { logs: positionals, config: args.configPath, db: args.db });
  if (!args.db && positionals.length === 0 && !values['parquet'] && !values['engine']) {
    throw new UsageError('sessions needs log FILEs (or - for stdin), --db FILE, --parquet DIR or --engine URL');
  }
  const onlyInputs = values['only-inputs'] === true;
  if (onlyInputs && (!args.db || positionals.length === 0)) throw new UsageError('--only-inputs goes with --db and log FILEs: it leaves out what the database held before');
  const scope = scopeArgs(values, new Date(), args.tz);
  const external = await openExternal('sessions', positionals, values, args);
  const store = external ?? (await openStore(args, { mustExist: positionals.length === 0 }));
  try {
    let problems = false;
    if (positionals.length && !external) {
      const report = await ingestInto(store as Store, positionals, args, io);
      problems = reportInputProblems(report, io);
      if (onlyInputs) await limitToIngest((store as Store).db, report.ingestId);
    }
    await prepareDiagnoses(store.db);
    // Columns are only ever added, at the end (scripts read CSV by position).
    const columns = ['ts', 'client_ip', 'client_port', 'frontend', 'backend', 'server', 'status', 'termination', 'tt_ms', 'upgraded', 'cause', 'method', 'uri', 'http_version'];
    const output = { terminal: io.stdoutIsTTY };
    const streaming = STREAMING_ROWS[format];
    if (streaming) {
      // jsonl and csv go out as DuckDB produces them: an archive of any size in constant memory.
      const write = streamWriter(io);
      await write(streaming.head(columns, output));
      for await (const rows of sessionList(store.db, scope)) await write(streaming.rows({ columns, rows }, output));
    } else {
      const rows = [];
      for await (const batch of sessionList(store.db, scope)) for (const row of batch) rows.push(row);
      io.out(formatRows[format]({ columns, rows }, output));
    }
    return problems ? ExitCode.input : ExitCode.ok;
  } finally {
    store.db.close();
  }
};
