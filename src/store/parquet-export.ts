/**
 * Appends what a store holds and a Parquet export does not yet to that export (layout: parquet-layout.ts). The
 * export is its own watermark: of each source it holds rows up to the `lines` of that source's newest row in
 * DIR/sources, and the runs up to the newest in DIR/ingests; only what lies above is written. Files are written
 * under DIR/.incoming-<export>/ and then renamed into their partitions, so a reader or a sync to object storage
 * never sees half a file; the manifest, rewritten last (also by rename), records the export as committed. An
 * export that stopped half way leaves files of an export the manifest does not list: the next one deletes them
 * and writes those rows again.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Database } from './database.js';
import {
  CONFIG_TABLES, daySql, MANIFEST_FILE, MANIFEST_FORMAT, NO_VALUE, PARQUET_SCHEMA_VERSION, PARQUET_TABLES,
  partitionValueSql, readManifest, RUN_TABLES, type ExportRecord, type Manifest, type ParquetTable,
} from './parquet-layout.js';
import { parquetGlob, sqlString } from './parquet-sql.js';
import { storeFailure } from './store-failure.js';

export interface ExportOptions {
  /** This node's name (the `node` column, and the partition of its runs and configuration). */
  readonly node: string;
  /** Written into the manifest: the wsdiag version. */
  readonly writtenBy: string;
  /** For tests: the export's id (default a random UUID). */
  readonly exportId?: string;
  /** For tests: stop after moving this many files into place, as a crash would. */
  readonly stopAfterFiles?: number;
}

export interface ExportResult {
  readonly dir: string;
  readonly exportId: string | null;
  /** Rows written per table (tables with none left out). */
  readonly rows: Record<string, number>;
}

const PART = /^part-(.+)-\d+\.parquet$/;

/** The rows of each table to export: `marks` (this node's exported lines per source) and `last_ingest` filter them. */
function selectFor(table: ParquetTable): string {
  const aboveMark = (alias: string): string => `(m.lines IS NULL OR ${alias}.line_no > m.lines)`;
  const partitions = (day: string, host: string): string => `$node AS node, ${daySql(day)} AS log_day, ${partitionValueSql(host)} AS log_host`;
  // Runs and inputs go into the day of the export and the node's partition.
  const runPartition = partitions('current_date', '$node');
  switch (table) {
    case 'sessions':
      return `SELECT s.*, ${partitions('s.ts', 's.host')} FROM sessions s LEFT JOIN export_marks m ON m.source_id = s.source_id WHERE ${aboveMark('s')}`;
    case 'events':
      return `SELECT e.*, ${partitions('e.ts', 'e.host')} FROM events e LEFT JOIN export_marks m ON m.source_id = e.source_id WHERE ${aboveMark('e')}`;
    case 'rejects':
      return `SELECT r.*, ${partitions('r.ts', 'NULL')} FROM rejects r LEFT JOIN export_marks m ON m.source_id = r.source_id WHERE ${aboveMark('r')}`;
    case 'raw_lines':
      // An evidence line goes with its session (or event) into that one's partition.
      return `SELECT r.*, ${partitions('w.ts', 'w.host')}
        FROM raw_lines r LEFT JOIN export_marks m ON m.source_id = r.source_id
        LEFT JOIN (SELECT source_id, line_no, ts, host FROM sessions UNION ALL SELECT source_id, line_no, ts, host FROM events) w
          ON w.source_id = r.source_id AND w.line_no = r.line_no
        WHERE ${aboveMark('r')}`;
    case 'ingests':
      return `SELECT i.*, ${runPartition} FROM ingests i WHERE i.ingest_id > $last_ingest`;
    case 'input_events':
      return `SELECT i.*, ${runPartition} FROM input_events i WHERE coalesce(i.ingest_id, 0) > $last_ingest`;
    case 'sources':
      // A new version of each source's row that has new lines, a new run or is new to the export.
      return `SELECT s.*, ${runPartition} FROM sources s LEFT JOIN export_marks m ON m.source_id = s.source_id
        WHERE m.lines IS NULL OR s.lines > m.lines OR coalesce(s.last_ingest_id, 0) > $last_ingest`;
    default:
      return `SELECT c.*, ${partitions('NULL', '$node')} FROM ${table} c`;
  }
}

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile());
}

/** Removes what an export that stopped half way left: its incoming folders, and its files the manifest does not list. */
function removeLeftovers(dir: string, manifest: Manifest | null): void {
  for (const entry of readdirSync(dir)) if (entry.startsWith('.incoming-')) rmSync(join(dir, entry), { recursive: true, force: true });
  const committed = new Set((manifest?.exports ?? []).map((e) => e.id));
  for (const table of PARQUET_TABLES) {
    for (const file of filesUnder(join(dir, table))) {
      const id = PART.exec(file.split('/').pop()!)?.[1];
      if (id !== undefined && !committed.has(id)) rmSync(join(dir, table, file));
    }
  }
}

function writeManifest(dir: string, manifest: Manifest): void {
  const temp = join(dir, `.${MANIFEST_FILE}.${tempSuffix()}`);
  writeFileSync(temp, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(temp, join(dir, MANIFEST_FILE));
}

const tempSuffix = (): string => randomUUID().slice(0, 8);

export async function exportParquet(db: Database, dir: string, options: ExportOptions): Promise<ExportResult> {
  const before = readManifest(dir);
  mkdirSync(dir, { recursive: true });
  const base: Manifest = before ?? { format: MANIFEST_FORMAT, schema_version: PARQUET_SCHEMA_VERSION, written_by: options.writtenBy, exports: [] };
  // A new export says what it is before anything else is written, so that a run that stops still leaves one.
  if (!before) writeManifest(dir, base);
  removeLeftovers(dir, before);
  const exportId = options.exportId ?? randomUUID();
  const incoming = join(dir, `.incoming-${exportId}`);
  const node = options.node;
  try {
    await db.run('CREATE OR REPLACE TEMP TABLE export_marks (source_id INTEGER, lines BIGINT)');
    await writeStubs(db, dir);
    mkdirSync(incoming, { recursive: true });
    // This node's watermarks, from what the export holds (the stubs make every table readable).
    await db.run(
      `INSERT INTO export_marks SELECT source_id, max(lines) FROM read_parquet(${sqlString(parquetGlob(dir, 'sources'))}, union_by_name = true)
       WHERE node = $node GROUP BY source_id`,
      { node },
    );
    const last = await db.query(`SELECT coalesce(max(ingest_id), 0) AS id FROM read_parquet(${sqlString(parquetGlob(dir, 'ingests'))}, union_by_name = true) WHERE node = $node`, { node });
    const lastIngest = Number(last.rows[0]?.['id'] ?? 0);
    const rows: Record<string, number> = {};
    const haveConfig = Number((await db.query('SELECT count(*) AS n FROM config_proxies')).rows[0]?.['n'] ?? 0) > 0;
    for (const table of PARQUET_TABLES) {
      if ((CONFIG_TABLES as readonly string[]).includes(table) && !haveConfig) continue;
      const isConfig = (CONFIG_TABLES as readonly string[]).includes(table);
      const params: Record<string, string | number> = { node };
      if ((RUN_TABLES as readonly string[]).includes(table)) params['last_ingest'] = lastIngest;
      const target = join(incoming, table);
      const result = await db.query(
        `COPY (${selectFor(table)}) TO ${sqlString(target)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (log_day, log_host),
          WRITE_PARTITION_COLUMNS true, FILENAME_PATTERN ${sqlString(isConfig ? 'config-{i}' : `part-${exportId}-{i}`)}, OVERWRITE_OR_IGNORE true)`,
        params,
      );
      const count = Number(result.rows[0]?.['Count'] ?? 0);
      if (count > 0) rows[table] = count;
    }
    await db.run('DROP TABLE IF EXISTS export_marks');
    // Sources move last: they are the watermark the next export reads.
    const order = [...PARQUET_TABLES.filter((t) => t !== 'sources'), 'sources'];
    let moved = 0;
    for (const table of order) {
      const from = join(incoming, table);
      for (const file of filesUnder(from)) {
        if (options.stopAfterFiles !== undefined && moved >= options.stopAfterFiles) return { dir, exportId: null, rows: {} };
        const to = join(dir, table, file);
        mkdirSync(dirname(to), { recursive: true });
        renameSync(join(from, file), to);
        moved++;
      }
    }
    rmSync(incoming, { recursive: true, force: true });
    if (Object.keys(rows).length === 0) return { dir, exportId: null, rows };
    const record: ExportRecord = { id: exportId, at: new Date().toISOString(), rows };
    writeManifest(dir, { ...base, written_by: options.writtenBy, exports: [...base.exports, record] });
    return { dir, exportId, rows };
  } catch (error) {
    rmSync(incoming, { recursive: true, force: true });
    throw storeFailure(error, dir) ?? error;
  }
}

/**
 * An empty file of every table that has none: an empty table writes no file, and a reader's glob over an empty
 * folder fails (DuckDB: no files found; ClickHouse's file(): cannot extract the structure).
 */
async function writeStubs(db: Database, dir: string): Promise<void> {
  for (const table of PARQUET_TABLES) {
    const stub = join(dir, table, `log_day=${NO_VALUE}`, `log_host=${NO_VALUE}`, 'stub.parquet');
    if (existsSync(stub)) continue;
    mkdirSync(dirname(stub), { recursive: true });
    const temp = `${stub}.${tempSuffix()}.tmp`;
    const select = selectFor(table).replace(/\$last_ingest/g, '0');
    await db.run(`COPY (SELECT * FROM (${select}) LIMIT 0) TO ${sqlString(temp)} (FORMAT parquet)`, { node: '' });
    renameSync(temp, stub);
  }
}
