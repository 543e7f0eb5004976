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

/** The name columns of the sessions view that session_causes groups and joins on by key (SESSION_KEY_COLUMNS). */
const KEYED_NAMES = ['frontend', 'backend', 'server', 'termination', 'method', 'http_version', 'upgrade_header', 'connection_header'] as const;
const KEY_OF: Record<(typeof KEYED_NAMES)[number], string> = {
  frontend: 'frontend_key', backend: 'backend_key', server: 'server_key', termination: 'termination_key', method: 'method_key',
  http_version: 'version_key', upgrade_header: 'upgrade_key', connection_header: 'connection_key',
};
/** A dotted IPv4 address as the store keeps it (client_key ≥ 0); anything else is a name (client_key < 0). */
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = `^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`;

/**
 * What a store gives the diagnoses besides its views (src/store/schema.ts): `names` (id, value) and
 * `sessions_in(since, until, backend)`, the sessions of a window with each name as a key. Over an export the keys
 * are the codes of an ENUM of the names the files hold, read once when the export is opened (a cast, not a join
 * per name column), and the client address is keyed as the store keys it: an IPv4 address by its number
 * (clientIpOfKey reads it back), any other address by minus its name's id.
 */
function keyedSessionsSql(): string {
  const values = [
    ...KEYED_NAMES.map((c) => `SELECT DISTINCT ${c} AS value FROM sessions`),
    `SELECT DISTINCT client_ip AS value FROM sessions WHERE NOT regexp_matches(client_ip, '${IPV4}')`,
  ].join(' UNION ');
  const key = (expression: string): string => `CAST(enum_code(TRY_CAST(${expression} AS wsdiag_name)) AS INTEGER) + 1`;
  const octet = (n: number): string => `CAST(string_split(s.client_ip, '.')[${n}] AS BIGINT)`;
  return `
CREATE TYPE wsdiag_name AS ENUM (SELECT value FROM (${values}) WHERE value IS NOT NULL ORDER BY value);
CREATE TABLE names AS SELECT CAST(row_number() OVER () AS INTEGER) AS id, value FROM (SELECT unnest(enum_range(NULL::wsdiag_name)) AS value);
CREATE MACRO sessions_in(since_ts, until_ts, backend_name) AS TABLE
SELECT s.*, ${KEYED_NAMES.map((c) => `${key(`s.${c}`)} AS ${KEY_OF[c]}`).join(', ')},
  CASE WHEN regexp_matches(s.client_ip, '${IPV4}')
    THEN xor((${octet(1)} << 24) | (${octet(2)} << 16) | (${octet(3)} << 8) | ${octet(4)}, 2147483648)
    ELSE -(${key('s.client_ip')}) END AS client_key
FROM sessions s
WHERE (since_ts IS NULL OR s.ts >= CAST(since_ts AS TIMESTAMP)) AND (until_ts IS NULL OR s.ts < CAST(until_ts AS TIMESTAMP))
  AND (backend_name IS NULL OR s.backend = backend_name);`;
}

export async function openParquetDatabase(dir: string): Promise<Database> {
  const manifest = readManifest(dir);
  if (!manifest) throw new NotAnExportError(`${dir} is not a wsdiag Parquet export (no such directory, or an empty one): write one with ingest --parquet or export`);
  const db = await openDatabase(null, { bare: true, label: dir, allowedDirectory: dir });
  try {
    for (const table of PARQUET_TABLES) await db.run(`CREATE VIEW ${table} AS ${viewSql(dir, table)}`);
    await db.run(keyedSessionsSql());
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
