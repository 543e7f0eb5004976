/** `--retain`: drop stored rows older than a point in time (the evidence lines of dropped sessions too). */
import type { Database } from './database.js';

export async function pruneBefore(db: Database, cutoff: string): Promise<void> {
  const cutoffMs = Date.parse(`${cutoff.replace(' ', 'T')}Z`);
  await db.run('BEGIN TRANSACTION');
  try {
    await db.run(
      `DELETE FROM raw_lines r USING session_rows s
       WHERE r.source_id = s.source_id AND r.line_no = s.line_no AND s.ts_ms < $cutoff`,
      { cutoff: cutoffMs },
    );
    await db.run('DELETE FROM session_rows WHERE ts_ms < $cutoff', { cutoff: cutoffMs });
    await db.run('DELETE FROM events WHERE ts < CAST($cutoff AS TIMESTAMP)', { cutoff });
    await db.run('DELETE FROM rejects WHERE ts < CAST($cutoff AS TIMESTAMP)', { cutoff });
    await db.run('COMMIT');
  } catch (error) {
    await db.run('ROLLBACK');
    throw error;
  }
}
