import { CLICKHOUSE_QUERIES_DIR, loadQueries } from '../diagnose/load-queries.js';
import { clickhouseSchema, loadStatements } from '../engine/clickhouse-schema.js';
import { ExitCode, UsageError, type RunCommand } from './command.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const run: RunCommand = async ({ positionals, values }, io) => {
  if (positionals.length) throw new UsageError(`clickhouse-schema takes no FILE (got '${positionals[0]}')`);
  const database = typeof values['database'] === 'string' ? values['database'] : 'wsdiag';
  const cluster = typeof values['cluster'] === 'string' ? values['cluster'] : null;
  const files = typeof values['files'] === 'string' ? values['files'] : null;
  const from = typeof values['load'] === 'string' ? values['load'] : null;
  if (!NAME.test(database)) throw new UsageError(`--database takes a plain name (letters, digits, _), not '${database}'`);
  if (cluster !== null && !NAME.test(cluster)) throw new UsageError(`--cluster takes a plain name (letters, digits, _), not '${cluster}'`);
  if (files !== null && (cluster !== null || from !== null)) throw new UsageError('--files makes views over an export for one process (clickhouse-local): no --cluster, no --load');
  const setup = [...loadQueries(CLICKHOUSE_QUERIES_DIR).values()].filter((q) => q.kind === 'setup');
  const statements = from !== null ? loadStatements({ database, cluster, setup, from }) : clickhouseSchema({ database, cluster, files, setup });
  io.out(statements.map((s) => `${s};\n`).join('\n'));
  return ExitCode.ok;
};
