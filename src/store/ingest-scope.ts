/**
 * `--only-inputs`: a database (--db) that holds the history of earlier runs is seen, on this connection, as if it
 * held only the inputs this run read. Temporary views named like the stored tables hide them: DuckDB looks a
 * name up in the temporary catalog first, so every diagnosis, macro and the `sessions` view read the filtered
 * rows without a change. The inputs are the sources this run's ingest read (`sources.last_ingest_id`), each whole:
 * a file read again is all of that file, its earlier lines included.
 */
import type { Database } from './database.js';

/** The stored tables keyed by source, and the ingest log. */
const BY_SOURCE = ['session_rows', 'events', 'rejects', 'raw_line_rows', 'raw_lines'] as const;

/** An identifier as DuckDB quotes it (the catalog is named after the database file). */
const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

export async function limitToIngest(db: Database, ingestId: number): Promise<void> {
  if (!Number.isSafeInteger(ingestId)) throw new Error(`not an ingest id: ${ingestId}`);
  const catalog = String((await db.query('SELECT current_database() AS c')).rows[0]!['c']);
  const table = (name: string): string => `${quoteIdentifier(catalog)}.main.${name}`;
  // View bodies cannot take parameters; the id is an integer checked above, never text from outside.
  const sources = `SELECT source_id FROM ${table('sources')} WHERE last_ingest_id = ${ingestId}`;
  for (const name of BY_SOURCE) {
    await db.run(`CREATE OR REPLACE TEMP VIEW ${name} AS SELECT * FROM ${table(name)} WHERE source_id IN (${sources})`);
  }
  await db.run(`CREATE OR REPLACE TEMP VIEW sources AS SELECT * FROM ${table('sources')} WHERE last_ingest_id = ${ingestId}`);
  await db.run(`CREATE OR REPLACE TEMP VIEW ingests AS SELECT * FROM ${table('ingests')} WHERE ingest_id = ${ingestId}`);
}
