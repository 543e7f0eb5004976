/**
 * What the screens show, as plain data: the analysis of the window, the rejected lines, rates and (live) the
 * ingest's progress. The screens get it through a ScreenSource, so tests can hand them a fixture.
 */
import type { Accounting, Analysis } from '../diagnose/analyze.js';
import type { QueryResult, Row } from '../store/database.js';

/** The live ingest's progress (the follower's stats, structurally). */
export interface LiveStats {
  readonly linesRead: number;
  readonly linesPerSecond: number;
  readonly lagMs: number | null;
  readonly queuedLines: number;
  /** How much log time the store holds when its row budget cut the window short (null: the whole window). */
  readonly heldMs?: number | null;
  readonly ended: boolean;
  readonly inputs: readonly { readonly path: string; readonly state: string; readonly message: string | null }[];
  /** Where every line read so far went (lines read = sessions + events + rejects + blank + …), when the follower counts it. */
  readonly accounting?: Accounting;
}

/** 5xx sessions of one cause per second, over equal spans of the scope (oldest first). */
export interface CauseTimeline {
  readonly cause: string;
  readonly perSecond: readonly number[];
  readonly total: number;
}

export interface ScreenData {
  readonly analysis: Analysis;
  /** source_id, line_no, ts, reason, detail, raw. */
  readonly rejects: readonly Row[];
  readonly rates: { readonly sessionsPerSecond: number; readonly upgradesPerSecond: number };
  /** Tunnels open at the end of the scope, estimated (see queries/open-tunnels.sql); null when nothing upgrades. */
  readonly openTunnels: number | null;
  /** 5xx per second by cause, most first, and the length of each span. */
  readonly failureTimeline: { readonly bucketMs: number; readonly causes: readonly CauseTimeline[] };
  readonly live: LiveStats | null;
  /** The window shown, for the header (null: the whole archive). */
  readonly since: string | null;
}

/** What Enter on a row opens: the raw lines behind it. */
export type DrillTarget =
  | { readonly kind: 'error'; readonly status: number | null; readonly cause: string; readonly backend: string | null; readonly server: string | null }
  | { readonly kind: 'disconnect'; readonly backend: string; readonly intervalMs: number }
  | { readonly kind: 'backend'; readonly backend: string; readonly tunnelsOnly: boolean }
  | { readonly kind: 'event'; readonly ts: string | null; readonly message: string }
  | { readonly kind: 'reject'; readonly sourceId: number; readonly lineNo: number };

export interface RawLine {
  readonly sourceId: number;
  readonly lineNo: number;
  readonly text: string;
}

export interface DrillResult {
  readonly title: string;
  readonly lines: readonly RawLine[];
}

export interface ScreenSource {
  load(): Promise<ScreenData>;
  drill(target: DrillTarget): Promise<DrillResult>;
  /** Typed SQL, run with external access disabled. */
  runSql(sql: string): Promise<QueryResult>;
  /**
   * When to call load() again after a load that took `tookMs`: null for an archive that does not change; for live
   * mode the refresh interval, or later when loads are slow (they must not starve the ingest, see store/pacing.ts).
   */
  nextRefreshMs(tookMs: number): number | null;
}
