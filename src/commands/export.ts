import { openDatabase } from '../store/database.js';
import { exportParquet } from '../store/parquet-export.js';
import { ExitCode, UsageError, type RunCommand } from './command.js';
import { exportedLine } from './ingest.js';
import { checkGivenFiles } from './input-checks.js';
import { jsonOutput } from './json-output.js';
import { parquetArgs } from './parquet-args.js';
import { packageVersion } from './package-version.js';

export const run: RunCommand = async ({ positionals, values }, io) => {
  if (positionals.length) throw new UsageError(`export takes no FILE (got '${positionals[0]}'): it writes what --db holds to --parquet DIR`);
  const dbPath = typeof values['db'] === 'string' ? values['db'] : undefined;
  if (!dbPath) throw new UsageError('export needs --db F.duckdb (the database to export) and --parquet DIR');
  const parquet = parquetArgs(values, { mustExist: false });
  if (!parquet) throw new UsageError('export needs --parquet DIR (where to write)');
  await checkGivenFiles('export', { db: dbPath });
  const db = await openDatabase(dbPath, { readOnly: true });
  try {
    const exported = await exportParquet(db, parquet.dir, { node: parquet.node, writtenBy: `wsdiag ${packageVersion()}` });
    if (values['format'] === 'json') io.out(jsonOutput({ database: dbPath, parquet: exported.dir, rows: exported.rows }, io));
    else io.out(`${dbPath}: ${exportedLine(exported.rows)} → ${exported.dir}\n`);
    return ExitCode.ok;
  } finally {
    db.close();
  }
};
