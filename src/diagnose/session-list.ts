/**
 * The session list (`wsdiag sessions`, queries/session-list.sql): every session of the scope in time order, read a
 * slice of time at a time. DuckDB sorts a slice in its memory limit; a sort of the whole list of a big archive in
 * one piece does not fit it (50 M sessions at 160 MiB: "failed to pin block", bench/README.md). Each slice is the
 * same query over the same scope with a narrower filter on the time, so every cause is decided over the whole scope.
 */
import type { QueryEngine } from '../engine/query-engine.js';
import type { Row } from '../store/database.js';
import { runQuery, scopeTime, streamQuery, type Scope } from './run-query.js';

/** At most this many sessions (and one second's more) in one sort. */
export const SESSION_LIST_SLICE_ROWS = 2_000_000;

/** The session list in batches of rows, in time order; sessions without a time come last. */
export async function* sessionList(db: QueryEngine, scope: Scope, sliceRows = SESSION_LIST_SLICE_ROWS): AsyncGenerator<Row[]> {
  const starts = (await runQuery(db, 'session-list-slices', scope, { slice_rows: sliceRows })).map((r) => scopeTime(Date.parse(String(r['slice_from']))));
  // The first slice starts at the beginning, the last one ends at the end (and holds the sessions without a time).
  const cuts = [null, ...starts.slice(1), null];
  for (let i = 0; i + 1 < cuts.length; i++) {
    yield* streamQuery(db, 'session-list', scope, { slice_from: cuts[i] ?? null, slice_to: cuts[i + 1] ?? null });
  }
}
