import { analyze } from '../diagnose/analyze.js';
import { formatAnalysis, type AnalysisFormat } from '../report/analysis-formats.js';
import { limitToIngest } from '../store/ingest-scope.js';
import { ExitCode, UsageError, type RunCommand } from './command.js';
import { checkGivenFiles } from './input-checks.js';
import { openExternal } from './open-external.js';
import { ingestInto, inputArgs, openStore, reportInputProblems } from './open-inputs.js';
import { scopeArgs } from './time-args.js';

export const run: RunCommand = async ({ positionals, values }, io) => {
  const format = (values['format'] ?? 'text') as AnalysisFormat;
  const args = inputArgs(values);
  await checkGivenFiles('analyze', { logs: positionals, config: args.configPath, db: args.db });
  if (!args.db && positionals.length === 0 && !values['parquet'] && !values['engine']) {
    throw new UsageError('analyze needs log FILEs (or - for stdin), --db FILE, --parquet DIR or --engine URL');
  }
  const onlyInputs = values['only-inputs'] === true;
  if (onlyInputs && (!args.db || positionals.length === 0)) throw new UsageError('--only-inputs goes with --db and log FILEs: it leaves out what the database held before');
  const scope = scopeArgs(values, new Date(), args.tz);
  const external = await openExternal('analyze', positionals, values, args);
  if (external) {
    try {
      const analysis = await analyze(external.db, scope, external.config);
      io.out(formatAnalysis[format](analysis, { terminal: io.stdoutIsTTY }));
      return ExitCode.ok;
    } finally {
      external.db.close();
    }
  }
  const store = await openStore(args, { mustExist: positionals.length === 0 });
  const db = store.db;
  try {
    let problems = false;
    if (positionals.length) {
      const report = await ingestInto(store, positionals, args, io);
      problems = reportInputProblems(report, io);
      if (onlyInputs) await limitToIngest(db, report.ingestId);
    }
    const analysis = await analyze(db, scope, store.config);
    analysis.scope = { ...analysis.scope, inputs: [...positionals], only_inputs: onlyInputs };
    io.out(formatAnalysis[format](analysis, { terminal: io.stdoutIsTTY }));
    return problems ? ExitCode.input : ExitCode.ok;
  } finally {
    db.close();
  }
};
