/**
 * How long rows are kept: `--retain` drops what is older than a point in time; live mode keeps a sliding window
 * (and a row budget within it). One place deletes rows, so that a session never outlives its evidence line or the
 * other way round (most evidence lines are a column of their session's row; raw_line_rows holds the others).
 */
import type { Database } from './database.js';

const ts = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/** `--retain`: drop stored rows older than `cutoff` (a UTC timestamp), the evidence lines of dropped sessions too. */
export async function pruneBefore(db: Database, cutoff: string): Promise<void> {
  const cutoffMs = Date.parse(`${cutoff.replace(' ', 'T')}Z`);
  await db.run('BEGIN TRANSACTION');
  try {
    await pruneRows(db, { sessionsBeforeMs: cutoffMs, eventsBeforeMs: cutoffMs, timelessKept: null });
    await db.run('COMMIT');
  } catch (error) {
    await db.run('ROLLBACK');
    throw error;
  }
}

export interface PruneWindow {
  /** Sessions and rejects stamped before this go (the window's start, or later under a row budget). */
  readonly sessionsBeforeMs: number | null;
  /** Events stamped before this go: server and health-check events are few, and stay for the whole window. */
  readonly eventsBeforeMs: number | null;
  /** Rejects and events without a time never fall out of a window: only the newest this many per source stay. */
  readonly timelessKept: number | null;
}

/** Live mode's sliding window: one statement per table, in autocommit (each is whole or not at all). */
export async function pruneWindow(db: Database, window: PruneWindow): Promise<void> {
  await pruneRows(db, window);
}

async function pruneRows(db: Database, window: PruneWindow): Promise<void> {
  if (window.sessionsBeforeMs !== null) {
    await db.run(
      `DELETE FROM raw_line_rows r USING session_rows s
       WHERE r.source_id = s.source_id AND r.line_no = s.line_no AND s.ts_ms < $cutoff`,
      { cutoff: window.sessionsBeforeMs },
    );
    await db.run('DELETE FROM session_rows WHERE ts_ms < $cutoff', { cutoff: window.sessionsBeforeMs });
    await db.run('DELETE FROM rejects WHERE ts < CAST($cutoff AS TIMESTAMP)', { cutoff: ts(window.sessionsBeforeMs) });
  }
  if (window.eventsBeforeMs !== null) {
    await db.run(
      `DELETE FROM raw_line_rows r USING events e
       WHERE r.source_id = e.source_id AND r.line_no = e.line_no AND e.ts < CAST($cutoff AS TIMESTAMP)`,
      { cutoff: ts(window.eventsBeforeMs) },
    );
    await db.run('DELETE FROM events WHERE ts < CAST($cutoff AS TIMESTAMP)', { cutoff: ts(window.eventsBeforeMs) });
  }
  if (window.timelessKept !== null) {
    // The timeless rows beyond the newest `kept` of each source; an event's evidence line goes with it.
    const old = (table: string): string => `(SELECT source_id, line_no FROM (
        SELECT source_id, line_no, row_number() OVER (PARTITION BY source_id ORDER BY line_no DESC) AS newest
        FROM ${table} WHERE ts IS NULL) WHERE newest > $kept) old`;
    await db.run(`DELETE FROM raw_line_rows r USING ${old('events')} WHERE r.source_id = old.source_id AND r.line_no = old.line_no`, { kept: window.timelessKept });
    for (const table of ['rejects', 'events'] as const) {
      await db.run(`DELETE FROM ${table} t USING ${old(table)} WHERE t.source_id = old.source_id AND t.line_no = old.line_no`, { kept: window.timelessKept });
    }
  }
}
