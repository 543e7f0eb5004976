/**
 * What kind of file a path holds, from its first bytes: a DuckDB database by its magic bytes, a gzip stream by
 * its own, a haproxy.cfg by its sections, a HAProxy log by its lines. The commands use it to say what to do
 * when a file is given in the wrong place (`analyze haproxy.cfg`, `config haproxy.log`, `tui a.duckdb`)
 * instead of reading it as what it is not. Pure: bytes in, a verdict out.
 */
import { createLineParser } from './parse-line.js';

export type InputShape = 'duckdb' | 'gzip' | 'haproxy-config' | 'log' | 'empty' | 'other';

/** Bytes to read for a verdict. */
export const SHAPE_BYTES = 16 * 1024;

/** DuckDB's file header: a checksum (8 bytes), then the magic `DUCK` (DuckDB's storage format, `MainHeader::MAGIC_BYTES`). */
const isDuckDb = (head: Uint8Array): boolean => head.length >= 12 && head[8] === 0x44 && head[9] === 0x55 && head[10] === 0x43 && head[11] === 0x4b;

/** A section header of haproxy.cfg at the start of a line (section 2 and 3 of HAProxy's configuration manual). */
const SECTION = /^(global|defaults|frontend|backend|listen|resolvers|peers|userlist|program|http-errors|ring|cache|mailers)(\s|$)/;
/** Keywords that, indented, only a configuration has. */
const KEYWORD = /^\s+(bind|server|mode|timeout|option|balance|use_backend|default_backend|log|maxconn|acl|http-request|tcp-request|stick|cookie)\s/;

let parser: ReturnType<typeof createLineParser> | null = null;

export function inputShape(head: Uint8Array): InputShape {
  if (head.length === 0) return 'empty';
  if (isDuckDb(head)) return 'duckdb';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  const lines = Buffer.from(head).toString('utf8').split(/\r?\n/);
  // The last line may be cut by the read.
  if (head.length >= SHAPE_BYTES) lines.pop();
  const meaningful = lines.filter((l) => l.trim() !== '' && !/^\s*#/.test(l)).slice(0, 200);
  if (meaningful.length === 0) return 'empty';
  const sections = meaningful.filter((l) => SECTION.test(l)).length;
  const keywords = meaningful.filter((l) => KEYWORD.test(l)).length;
  parser ??= createLineParser({ timeZone: 'UTC' });
  const logLines = meaningful.filter((l) => parser!.parse(l).kind !== 'reject').length;
  if (logLines * 2 >= meaningful.length) return 'log';
  if (sections > 0 && sections + keywords >= meaningful.length / 2) return 'haproxy-config';
  return 'other';
}
