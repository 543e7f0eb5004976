/**
 * DuckDB over a Parquet export (`--parquet DIR`): an in-memory database whose tables are views over the export's
 * files, named and shaped as a store's (the export's own columns left out), so every query of queries/ runs on it
 * unchanged. And the other way (`ingest --parquet DIR` without --db): an in-memory store that knows what the
 * export holds of each input, so that only new lines are read.
 */
import { readdirSync } from 'node:fs';
import { openDatabase, type Database } from './database.js';
import { CONFIG_TABLES, EXPORT_COLUMNS, PARQUET_TABLES, readManifest, NotAnExportError } from './parquet-layout.js';
import { parquetGlob, sqlString } from './parquet-sql.js';

const readParquet = (dir: string, table: string): string =>
  `read_parquet(${sqlString(parquetGlob(dir, table))}, hive_partitioning = true, union_by_name = true, hive_types = {'log_day': VARCHAR, 'log_host': VARCHAR})`;

/** The columns a store's table has, from the export's: all but node, log_day and log_host. */
const storeColumns = `* EXCLUDE (${EXPORT_COLUMNS.join(', ')})`;

/**
 * The views. Sources: the newest version of each source's row (an export appends a new one when a source grows).
 * The configuration: the copy of one node (the first by name), as a store holds one configuration.
 */
function viewSql(dir: string, table: string): string {
  const from = readParquet(dir, table);
  if (table === 'sources') {
    return `SELECT ${storeColumns} FROM ${from} QUALIFY row_number() OVER (PARTITION BY node, source_id ORDER BY lines DESC, last_ingest_id DESC NULLS LAST) = 1`;
  }
  if ((CONFIG_TABLES as readonly string[]).includes(table)) {
    return `SELECT ${storeColumns} FROM ${from} WHERE node = (SELECT min(node) FROM ${readParquet(dir, 'config_proxies')})`;
  }
  return `SELECT ${storeColumns} FROM ${from}`;
}

export async function openParquetDatabase(dir: string): Promise<Database> {
  const manifest = readManifest(dir);
  if (!manifest) throw new NotAnExportError(`${dir} is not a wsdiag Parquet export (no such directory, or an empty one): write one with ingest --parquet or export`);
  const db = await openDatabase(null, { bare: true, label: dir, allowedDirectory: dir });
  try {
    for (const table of PARQUET_TABLES) await db.run(`CREATE VIEW ${table} AS ${viewSql(dir, table)}`);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/**
 * Seeds an in-memory store with this node's sources as the export last recorded them (lines stored, resume point,
 * fingerprint) and moves its id sequences past the export's, so that an ingest resumes each known input where the
 * export stands and the ids it hands out are new to the export.
 */
export async function seedFromParquet(db: Database, dir: string, node: string): Promise<void> {
  if (!readManifest(dir)) return;
  const hasFiles = (table: string): boolean => {
    try {
      return readdirSync(`${dir}/${table}`, { recursive: true, encoding: 'utf8' }).some((f) => f.endsWith('.parquet'));
    } catch {
      return false;
    }
  };
  if (!hasFiles('sources') || !hasFiles('ingests')) return;
  await db.run(
    `INSERT INTO sources BY NAME SELECT ${storeColumns} FROM ${readParquet(dir, 'sources')} WHERE node = $node
     QUALIFY row_number() OVER (PARTITION BY source_id ORDER BY lines DESC, last_ingest_id DESC NULLS LAST) = 1`,
    { node },
  );
  const next = async (sql: string): Promise<number> => Number((await db.query(sql, { node })).rows[0]?.['n'] ?? 0) + 1;
  const source = await next(`SELECT coalesce(max(source_id), 0) AS n FROM ${readParquet(dir, 'sources')} WHERE node = $node`);
  const ingest = await next(`SELECT coalesce(max(ingest_id), 0) AS n FROM ${readParquet(dir, 'ingests')} WHERE node = $node`);
  // Sequence starts are part of a statement's text; both are whole numbers read just above.
  await db.run(`DROP SEQUENCE source_ids; CREATE SEQUENCE source_ids START ${source}`);
  await db.run(`DROP SEQUENCE ingest_ids; CREATE SEQUENCE ingest_ids START ${ingest}`);
}
