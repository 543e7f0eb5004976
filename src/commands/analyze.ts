import { analyze } from '../diagnose/analyze.js';
import { ANALYSIS_FORMATS, formatAnalysis, type AnalysisFormat } from '../report/analysis-formats.js';
import { ExitCode, UsageError, type CommandSpec } from './command.js';
import { INPUT_OPTIONS } from './common-options.js';
import { ingestInto, inputArgs, openStore, reportInputProblems } from './open-inputs.js';
import { parseTimeArg } from './time-args.js';

export const analyzeCommand: CommandSpec = {
  name: 'analyze',
  usage: 'wsdiag analyze FILE… [--config haproxy.cfg] [--log-format …] [--since T] [--until T] [--backend NAME] [--format text|markdown|json]',
  summary: 'Why did it fail: causes of failed sessions, fixed-interval disconnects, sticky misses, tunnel durations',
  options: {
    ...INPUT_OPTIONS,
    since: { type: 'string', description: 'only sessions from this time (24h, 7d, 2026-11-20 14:00, ISO 8601, 20/Nov/2026:14:00:00)' },
    until: { type: 'string', description: 'only sessions before this time' },
    backend: { type: 'string', description: 'only this backend' },
    format: { type: 'string', description: ANALYSIS_FORMATS.join(', '), default: 'text' },
  },
  async run({ positionals, values }, io) {
    const format = (values['format'] ?? 'text') as AnalysisFormat;
    if (!ANALYSIS_FORMATS.includes(format)) throw new UsageError(`--format takes ${ANALYSIS_FORMATS.join(', ')}`);
    const args = inputArgs(values);
    if (!args.db && positionals.length === 0) throw new UsageError('analyze needs log FILEs (or - for stdin), or --db FILE');
    const now = new Date();
    const since = parseTimeArg(values['since'] as string | undefined, now, args.tz);
    const until = parseTimeArg(values['until'] as string | undefined, now, args.tz);
    const store = await openStore(args);
    const db = store.db;
    try {
      let problems = false;
      if (positionals.length) problems = reportInputProblems(await ingestInto(store, positionals, args), io);
      const analysis = await analyze(db, { since, until, backend: (values['backend'] as string | undefined) ?? null }, store.config);
      io.out(formatAnalysis[format](analysis));
      return problems ? ExitCode.input : ExitCode.ok;
    } finally {
      db.close();
    }
  },
};
