/**
 * What went wrong with the database, in one line an operator can act on: a full disk, a file locked by another
 * process, a file that is not a DuckDB database, an I/O error. A commit that fails leaves what was committed before
 * whole (rows and resume points share their transactions): the lines say so, and that running again resumes.
 */
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';

/** The database could not be opened or written: exit code 4. */
export class StoreError extends Error {
  constructor(message: string, readonly reason: 'disk-full' | 'locked' | 'not-a-database' | 'io' | 'memory' | 'open' = 'open') {
    super(message);
  }
}

const firstLine = (error: unknown): string => ((error as Error)?.message ?? String(error)).split('\n')[0]!;

/** Free bytes on the filesystem holding `path`, or null when unknown. */
function freeBytes(path: string): number | null {
  try {
    const s = statfsSync(dirname(path));
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

/** A DuckDB error about `path` as a StoreError, or null when it is not about the database itself (an SQL error, say). */
export function storeFailure(error: unknown, path: string): StoreError | null {
  if (error instanceof StoreError) return error;
  const text = firstLine(error);
  const kept = 'What was committed before is kept: run the same command again to resume.';
  // DuckDB caps its temporary files at the disk's free space: with the disk nearly full, it cannot move a block out
  // of memory ("failed to offload data block").
  const offload = /failed to offload data block/i.test(text);
  if (offload || /No space left on device|ENOSPC|disk is full/i.test(text)) {
    const what = offload ? " (no room left for DuckDB's temporary files)" : '';
    return new StoreError(`cannot write ${path}: the disk is full${what}. ${kept.replace('run the same', 'free some space and run the same')}`, 'disk-full');
  }
  // DuckDB could not hold what a COMMIT or checkpoint needed within its memory limit (seen with 6000 lines of 60 KB
  // under a lowered limit: "failed to pin block of size 256.0 KiB (91.3 MiB/91.5 MiB used)").
  const memory = /(failed to pin block.*|Out of Memory Error: .*)$/.exec(text);
  if (memory) {
    return new StoreError(`cannot write ${path}: DuckDB ran out of the memory it may use (${memory[1]!.replace(/^Out of Memory Error: /, '')}). ${kept.replace('again to resume.', 'again to resume, with more memory free.')}`, 'memory');
  }
  const lock = /Could not set lock on file .*Conflicting lock is held in (.*?) \(PID (\d+)\)/.exec(text);
  if (lock) return new StoreError(`${path} is in use by another process (${lock[1]}, PID ${lock[2]}): stop it, or give another --db`, 'locked');
  if (/not a valid DuckDB database file/.test(text)) return new StoreError(`${path} is not a DuckDB database: --db takes a database file wsdiag created (or a new name)`, 'not-a-database');
  if (/database has been invalidated|FATAL Error|IO Error/.test(text)) {
    // DuckDB stops using a database after a write failed; a nearly full disk is the usual cause.
    const free = path === ':memory:' ? null : freeBytes(path);
    if (free !== null && free < 64 * 1024 * 1024) return new StoreError(`cannot write ${path}: the disk is full (${Math.round(free / 1024)} KiB left). ${kept}`, 'disk-full');
    return new StoreError(`cannot write ${path}: ${text.replace(/^(FATAL|IO) Error: /, '')}. ${kept}`, 'io');
  }
  return null;
}
