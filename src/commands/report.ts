import { writeFile } from 'node:fs/promises';
import { buildReport } from '../diagnose/report-data.js';
import { parseThreshold, ThresholdError, type Threshold } from '../diagnose/thresholds.js';
import { formatReport, REPORT_FORMATS, type ReportFormat } from '../report/report-formats.js';
import { pruneBefore } from '../store/retention.js';
import { ExitCode, InputError, UsageError, type RunCommand } from './command.js';
import { openExternal } from './open-external.js';
import { ingestInto, inputArgs, openStore, reportInputProblems, type Store } from './open-inputs.js';
import { checkGivenFiles } from './input-checks.js';
import { parseTimeArg, scopeArgs } from './time-args.js';

export const run: RunCommand = async ({ positionals, values }, io) => {
  const format = (values['format'] ?? 'markdown') as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) throw new UsageError(`--format takes ${REPORT_FORMATS.join(', ')}`);
  const compare = values['compare'] as string | undefined;
  if (compare !== undefined && compare !== 'previous' && compare !== '7d') throw new UsageError('--compare takes previous or 7d');
  const raw = values['fail-on'];
  const failOn = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  let thresholds: Threshold[];
  try {
    thresholds = failOn.map(parseThreshold);
  } catch (error) {
    if (error instanceof ThresholdError) throw new UsageError(`--fail-on: ${error.message}`);
    throw error;
  }
  const args = inputArgs(values);
  await checkGivenFiles('report', { logs: positionals, config: args.configPath, db: args.db });
  if (!args.db && positionals.length === 0 && !values['parquet'] && !values['engine']) throw new UsageError('report needs log FILEs, --db FILE, --parquet DIR or --engine URL');
  const now = new Date();
  const retain = parseTimeArg(values['retain'] as string | undefined, now, args.tz);
  const scope = scopeArgs(values, now, args.tz);
  const external = await openExternal('report', positionals, values, args);
  if (external && retain) throw new UsageError('--retain deletes rows of a --db database: an export or a cluster keeps its own retention');
  const store = external ?? (await openStore(args, { mustExist: positionals.length === 0 }));
  try {
    const problems = positionals.length && !external ? reportInputProblems(await ingestInto(store as Store, positionals, args, io), io) : false;
    if (retain) await pruneBefore((store as Store).db, retain);
    const data = await buildReport(store.db, { scope, now, compare: (compare as 'previous' | '7d' | undefined) ?? null, thresholds, config: store.config });
    data.analysis.scope = { ...data.analysis.scope, inputs: [...positionals] };
    const out = values['out'] as string | undefined;
    const text = formatReport[format](data, { terminal: !out && io.stdoutIsTTY });
    if (out) {
      try {
        await writeFile(out, text);
      } catch (error) {
        throw new InputError(`cannot write ${out}: ${(error as Error).message}`);
      }
    } else io.out(text);
    const crossed = data.thresholds.filter((t) => t.crossed);
    for (const t of crossed) io.err(`wsdiag report: threshold crossed: ${t.threshold} (${t.shown})\n`);
    if (crossed.length) return ExitCode.threshold;
    return problems ? ExitCode.input : ExitCode.ok;
  } finally {
    store.db.close();
  }
};
