import { analyze } from '../diagnose/analyze.js';
import { ANALYSIS_FORMATS, formatAnalysis, type AnalysisFormat } from '../report/analysis-formats.js';
import { ExitCode, UsageError, type CommandSpec } from './command.js';
import { INPUT_OPTIONS, SCOPE_OPTIONS } from './common-options.js';
import { ingestInto, inputArgs, openStore, reportInputProblems } from './open-inputs.js';
import { scopeArgs } from './time-args.js';

export const analyzeCommand: CommandSpec = {
  name: 'analyze',
  usage: 'wsdiag analyze FILE… [--config haproxy.cfg] [--log-format …] [--since T] [--until T] [--backend NAME] [--format text|markdown|json]',
  summary: 'Why did it fail: causes of failed sessions, fixed-interval disconnects, sticky misses, tunnel durations',
  options: {
    ...INPUT_OPTIONS,
    ...SCOPE_OPTIONS,
    format: { type: 'string', description: ANALYSIS_FORMATS.join(', '), default: 'text' },
  },
  async run({ positionals, values }, io) {
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
  },
};
