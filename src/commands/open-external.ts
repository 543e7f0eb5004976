/**
 * `--parquet DIR` and `--engine clickhouse://…`: the diagnoses run where the data is, over a Parquet export
 * (DuckDB, views over its files) or on ClickHouse, instead of over logs read now or a --db file. Neither takes
 * log FILEs or --db; --config then only feeds the configuration section (the export holds its own tables).
 */
import type { HaproxyConfig } from '../config/read-config.js';
import type { QueryEngine } from '../engine/query-engine.js';
import { EngineUrlError } from '../engine/clickhouse-url.js';
import { openParquetDatabase } from '../store/parquet-database.js';
import { NotAnExportError } from '../store/parquet-layout.js';
import { UsageError, type OptionValues } from './command.js';
import { loadConfig, type InputArgs } from './open-inputs.js';

export interface External {
  readonly db: QueryEngine;
  readonly config: HaproxyConfig | null;
}

/** The engine --parquet or --engine names, or null when neither was given. */
export async function openExternal(command: string, positionals: readonly string[], values: OptionValues, args: InputArgs): Promise<External | null> {
  const parquet = typeof values['parquet'] === 'string' ? values['parquet'] : null;
  const engine = typeof values['engine'] === 'string' ? values['engine'] : null;
  if (parquet === null && engine === null) return null;
  const flag = parquet !== null ? '--parquet' : '--engine';
  if (parquet !== null && engine !== null) throw new UsageError(`${command} reads either --parquet DIR or --engine URL, not both`);
  if (positionals.length) throw new UsageError(`${command} ${flag} reads what is already there: load '${positionals[0]}' with wsdiag ingest first`);
  if (args.db) throw new UsageError(`${command} reads either --db or ${flag}, not both`);
  if (values['only-inputs'] === true) throw new UsageError(`--only-inputs goes with --db and log FILEs, not ${flag}`);
  const config = await loadConfig(args.configPath);
  if (parquet !== null) {
    try {
      return { db: await openParquetDatabase(parquet), config };
    } catch (error) {
      if (error instanceof NotAnExportError) throw new UsageError(error.message);
      throw error;
    }
  }
  const { openClickHouse } = await import('../engine/clickhouse-engine.js');
  try {
    return { db: await openClickHouse(engine!), config };
  } catch (error) {
    if (error instanceof EngineUrlError) throw new UsageError(error.message);
    throw error;
  }
}
