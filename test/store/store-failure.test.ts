/** DuckDB's errors about the database file, as the one line an operator reads (exit code 4), and SQL errors left alone. */
import { describe, expect, it } from 'vitest';
import { storeFailure } from '../../src/store/store-failure.js';

describe('storeFailure', () => {
  it.each([
    ['TransactionContext Error: Failed to commit: Could not write file "x.duckdb.wal": No space left on device', 'disk-full'],
    // What DuckDB 1.5 says when the disk is too full for its temporary files (seen on a 64 MiB tmpfs with 4 MiB free).
    ['TransactionContext Error: Failed to commit: failed to offload data block of size 32.0 KiB (864.0 KiB/867.5 KiB used).', 'disk-full'],
    ['IO Error: Could not set lock on file "/tmp/a.duckdb": Conflicting lock is held in /usr/bin/node (PID 4242) by user root.', 'locked'],
    ['IO Error: The file "/tmp/a.duckdb" exists, but it is not a valid DuckDB database file!', 'not-a-database'],
    // DuckDB 1.5 on 6000 lines of 60 KB under a 96 MB limit (a COMMIT), and under 128 MB (its checkpoint).
    ['TransactionContext Error: Failed to commit: failed to pin block of size 256.0 KiB (91.3 MiB/91.5 MiB used)', 'memory'],
    ['Failed to create checkpoint because of error: failed to pin block of size 256.0 KiB (121.8 MiB/122.0 MiB used)', 'memory'],
    ['Out of Memory Error: could not allocate block of size 256.0 KiB (60.9 MiB/61.0 MiB used)', 'memory'],
  ])('%s → %s', (message, reason) => {
    const failure = storeFailure(new Error(message), '/nonexistent-dir/a.duckdb');
    expect(failure?.reason).toBe(reason);
    expect(failure!.message.split('\n')).toHaveLength(1);
  });

  it('says that what was committed is kept, and how to resume, on a full disk', () => {
    expect(storeFailure(new Error('failed to offload data block of size 32.0 KiB'), 'db.duckdb')!.message).toMatch(
      /the disk is full .* What was committed before is kept: free some space and run the same command again to resume\./,
    );
  });

  it('says that DuckDB ran out of its memory, what was committed is kept, and how to resume', () => {
    expect(storeFailure(new Error('TransactionContext Error: Failed to commit: failed to pin block of size 256.0 KiB (91.3 MiB/91.5 MiB used)'), 'db.duckdb')!.message).toBe(
      'cannot write db.duckdb: DuckDB ran out of the memory it may use (failed to pin block of size 256.0 KiB (91.3 MiB/91.5 MiB used)). ' +
        'What was committed before is kept: run the same command again to resume, with more memory free.',
    );
  });

  it('leaves an SQL error to the caller', () => {
    expect(storeFailure(new Error('Binder Error: Referenced column "x" not found'), 'db.duckdb')).toBeNull();
  });
});
