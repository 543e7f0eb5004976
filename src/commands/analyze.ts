import { analyze } from '../diagnose/analyze.js';
import { ANALYSIS_FORMATS, formatAnalysis, type AnalysisFormat } from '../report/analysis-formats.js';
import { ExitCode, UsageError, type RunCommand } from './command.js';
import { ingestInto, inputArgs, openStore, reportInputProblems } from './open-inputs.js';
import { scopeArgs } from './time-args.js';

export const run: RunCommand = async ({ positionals, values }, io) => {
  const format = (values['format'] ?? 'text') as AnalysisFormat;
  if (!ANALYSIS_FORMATS.includes(format)) throw new UsageError(`--format takes ${ANALYSIS_FORMATS.join(', ')}`);
  const args = inputArgs(values);
  if (!args.db && positionals.length === 0) throw new UsageError('analyze needs log FILEs (or - for stdin), or --db FILE');
  const scope = scopeArgs(values, new Date(), args.tz);
  const store = await openStore(args);
  const db = store.db;
  try {
    let problems = false;
    if (positionals.length) problems = reportInputProblems(await ingestInto(store, positionals, args, io), io);
    const analysis = await analyze(db, scope, store.config);
    io.out(formatAnalysis[format](analysis));
    return problems ? ExitCode.input : ExitCode.ok;
  } finally {
    db.close();
  }
};
