/**
 * A file given in the wrong place is recognised by its shape (src/parse/input-shape.ts) before anything is
 * read into a database, and the message says what to do instead: `analyze haproxy.cfg` (the configuration as
 * the log), `config haproxy.log`, `tui a.duckdb` (a database without --db). Exit 1, like any usage error.
 * Files that cannot be opened are left to the command, which reports them in its own words.
 */
import { open, stat } from 'node:fs/promises';
import { inputShape, SHAPE_BYTES, type InputShape } from '../parse/input-shape.js';
import { UsageError } from './command.js';

async function shapeOf(path: string): Promise<InputShape | null> {
  const handle = await open(path, 'r').catch(() => null);
  if (!handle) return null;
  try {
    const head = Buffer.alloc(SHAPE_BYTES);
    const { bytesRead } = await handle.read(head, 0, SHAPE_BYTES, 0);
    return inputShape(head.subarray(0, bytesRead));
  } catch {
    // A directory, a FIFO that is not ready: the command reports it.
    return null;
  } finally {
    await handle.close();
  }
}

export interface GivenFiles {
  /** Positional log files ('-' is stdin and never checked). */
  readonly logs?: readonly string[];
  /** --config, or config/lint's argument. */
  readonly config?: string;
  /** --db. */
  readonly db?: string;
}

/** Throws a UsageError naming the first file given in a place its shape does not fit. */
export async function checkGivenFiles(command: string, files: GivenFiles): Promise<void> {
  for (const log of files.logs ?? []) {
    if (log === '-') continue;
    const shape = await shapeOf(log);
    if (shape === 'duckdb') {
      throw new UsageError(`${log} is a wsdiag database, not a log: give it with --db (wsdiag ${command} --db ${log})`);
    }
    if (shape === 'haproxy-config') {
      throw new UsageError(`${log} is a HAProxy configuration, not a log: give it with --config (wsdiag ${command} haproxy.log --config ${log})`);
    }
  }
  if (files.config !== undefined) {
    const shape = await shapeOf(files.config);
    const asFlag = command !== 'config' && command !== 'lint';
    if (shape === 'log') {
      throw new UsageError(asFlag
        ? `${files.config} is a HAProxy log, not a configuration: give it as a FILE and the haproxy.cfg with --config (wsdiag ${command} ${files.config} --config haproxy.cfg)`
        : `${files.config} is a HAProxy log, not a configuration: wsdiag ${command} reads a haproxy.cfg (for a log: wsdiag analyze ${files.config} --config haproxy.cfg)`);
    }
    if (shape === 'duckdb') throw new UsageError(`${files.config} is a wsdiag database, not a configuration${asFlag ? `: give it with --db ${files.config}` : ''}`);
    if (shape === 'gzip') throw new UsageError(`${files.config} is gzip-compressed: a configuration is read as plain text (gunzip it first)`);
  }
  if (files.db !== undefined && (await stat(files.db).then((s) => s.size > 0, () => false))) {
    const shape = await shapeOf(files.db);
    if (shape === 'log' || shape === 'gzip') {
      throw new UsageError(`${files.db} is a HAProxy log, not a database: give it as a FILE, and --db a database file to keep (wsdiag ${command} ${files.db} --db ws.duckdb)`);
    }
    if (shape === 'haproxy-config') throw new UsageError(`${files.db} is a HAProxy configuration, not a database: give it with --config ${files.db}`);
  }
}

/**
 * `query`'s arguments in either order: the SQL is the one argument that is not an existing file (or stdin's
 * `-`). With none or several such, the first argument is the SQL, as the usage line says.
 */
export async function splitQueryArguments(positionals: readonly string[]): Promise<{ sql: string | undefined; files: string[] }> {
  const isFile = await Promise.all(positionals.map((p) => (p === '-' ? Promise.resolve(true) : stat(p).then(() => true, () => false))));
  const notFiles = positionals.filter((_, i) => !isFile[i]);
  if (notFiles.length === 1 && positionals.length > 1) {
    const sql = notFiles[0]!;
    return { sql, files: positionals.filter((p) => p !== sql) };
  }
  const [sql, ...files] = positionals;
  const missing = files.filter((_, i) => !isFile[i + 1]);
  if (sql !== undefined && missing.length) {
    throw new UsageError(`query takes the SQL first, then FILEs: '${sql}' is taken as the SQL, and ${missing.map((m) => `'${m}'`).join(', ')} ${missing.length === 1 ? 'is not a file' : 'are not files'}`);
  }
  return { sql, files };
}
