/** `--parquet DIR` and `--node NAME`: checked before anything is read or written, in the command's words. */
import { hostname } from 'node:os';
import { NotAnExportError, readManifest } from '../store/parquet-layout.js';
import { UsageError, type OptionValues } from './command.js';

export interface ParquetArgs {
  readonly dir: string;
  /** This node's name in the export (the `node` column). */
  readonly node: string;
}

/** The --parquet directory (null without it); a directory that is not an export is a usage error (exit 1). */
export function parquetArgs(values: OptionValues, options: { readonly mustExist: boolean }): ParquetArgs | null {
  const dir = values['parquet'];
  if (typeof dir !== 'string') return null;
  let exists: boolean;
  try {
    exists = readManifest(dir) !== null;
  } catch (error) {
    if (error instanceof NotAnExportError) throw new UsageError(error.message);
    throw error;
  }
  if (options.mustExist && !exists) throw new UsageError(`${dir} is not a wsdiag Parquet export (no such directory, or an empty one): write one with wsdiag ingest FILE… --parquet ${dir}`);
  const node = typeof values['node'] === 'string' ? values['node'] : hostname();
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(node)) throw new UsageError(`--node takes a name of letters, digits, '.', '_' and '-' (at most 64), not '${node}'`);
  return { dir, node };
}
