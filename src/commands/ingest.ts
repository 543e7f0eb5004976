import { exportParquet } from '../store/parquet-export.js';
import { seedFromParquet } from '../store/parquet-database.js';
import { ExitCode, UsageError, type RunCommand } from './command.js';
import { jsonOutput } from './json-output.js';
import { ingestInto, inputArgs, openStore, reportInputProblems } from './open-inputs.js';
import { checkGivenFiles } from './input-checks.js';
import { parquetArgs } from './parquet-args.js';
import { packageVersion } from './package-version.js';

export const run: RunCommand = async ({ positionals, values }, io) => {
  if (positionals.length === 0) throw new UsageError('ingest needs at least one FILE (or - for stdin)');
  const format = values['format'] ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError('--format takes text or json');
  const args = inputArgs(values);
  const parquet = parquetArgs(values, { mustExist: false });
  await checkGivenFiles('ingest', { logs: positionals, config: args.configPath, db: args.db });
  const store = await openStore(args);
  const db = store.db;
  try {
    // Without --db the export itself says what was read before: only new lines are read.
    if (parquet && !args.db) await seedFromParquet(db, parquet.dir, parquet.node);
    const report = await ingestInto(store, positionals, args, io);
    const exported = parquet ? await exportParquet(db, parquet.dir, { node: parquet.node, writtenBy: `wsdiag ${packageVersion()}` }) : null;
    const t = report.totals;
    if (format === 'json') io.out(jsonOutput({ ...report, database: db.path, ...(exported ? { parquet: { dir: exported.dir, rows: exported.rows } } : {}) }, io));
    else {
      for (const input of report.inputs) {
        io.out(
          `${input.path}${input.compressed ? ' (gzip)' : ''}: ${input.lines} lines → ${input.sessions} sessions, ${input.events} events, ` +
            `${input.rejects} rejects, ${input.blank} blank${input.skipped ? `, ${input.skipped} already ingested` : ''}${input.status === 'ok' ? '' : ` [${input.status}]`}\n`,
        );
      }
      const rate = report.seconds > 0 ? Math.round(t.linesRead / report.seconds) : t.linesRead;
      io.out(
        `total: ${t.linesRead} lines = ${t.sessions} sessions + ${t.events} events + ${t.rejects} rejects + ${t.blank} blank` +
          `${t.linesSkipped ? ` + ${t.linesSkipped} already ingested` : ''}${t.linesRolledBack ? ` + ${t.linesRolledBack} rolled back` : ''}` +
          ` in ${report.seconds.toFixed(2)} s (${rate} lines/s) → ${args.db ?? 'memory'}\n`,
      );
      if (exported) io.out(`parquet: ${exportedLine(exported.rows)} → ${exported.dir}\n`);
    }
    return reportInputProblems(report, io) ? ExitCode.input : ExitCode.ok;
  } finally {
    db.close();
  }
};

/** `1200 sessions, 3 events, … rows` written, or that nothing was new. */
export function exportedLine(rows: Readonly<Record<string, number>>): string {
  const parts = Object.entries(rows).map(([table, n]) => `${n} ${table}`);
  return parts.length ? parts.join(', ') : 'nothing new';
}
