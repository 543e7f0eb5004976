/**
 * SQL text for Parquet paths. DuckDB takes a COPY target and a view's file glob only as literals (a view cannot
 * hold a parameter), so the directory given with --parquet is written as an SQL string literal, quoted here.
 */
import { join } from 'node:path';

/** A string as an SQL literal: single quotes doubled; a NUL, which would cut the path short, refused. */
export function sqlString(text: string): string {
  if (text.includes('\u0000')) throw new Error('a path with a NUL byte');
  return `'${text.replaceAll("'", "''")}'`;
}

/** Every Parquet file of one table of an export, its stub included. */
export const parquetGlob = (dir: string, table: string): string => join(dir, table, '**', '*.parquet');
