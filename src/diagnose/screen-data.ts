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
  /** Tunnel durations per server (the Tunnels screen's rows under a backend). */
  readonly tunnelServers: readonly TunnelServer[];
  /** Timeouts of the configuration that end idle tunnels (tunnel, client, server), to mark on histograms. */
  readonly timeouts: readonly ConfiguredTimeout[];
}

export interface TunnelServer {
  readonly backend: string;
  readonly server: string | null;
  readonly count: number;
  readonly p50_ms: number;
  readonly p90_ms: number;
  readonly p99_ms: number;
  readonly max_ms: number;
  /** Upper bound of each 1-2-5 bucket (ms) → tunnels. */
  readonly histogram: Readonly<Record<string, number>>;
}

export interface ConfiguredTimeout {
  readonly backend: string;
  /** tunnel, client or server. */
  readonly name: string;
  readonly ms: number;
  readonly text: string;
  readonly where: string;
}

/** What Enter on a row (or a finding) opens: the lines behind it, as a drill-down. */
export type DrillTarget =
  | { readonly kind: 'error'; readonly status: number | null; readonly cause: string; readonly backend: string | null; readonly server: string | null }
  | { readonly kind: 'disconnect'; readonly backend: string; readonly intervalMs: number }
  /** Tunnels of a backend, or of one of its servers. */
  | { readonly kind: 'tunnels'; readonly backend: string; readonly server: string | null }
  /** Only the sessions counted as misses. */
  | { readonly kind: 'sticky'; readonly backend: string; readonly method: 'cookie' | 'source' }
  /** HAProxy's own lines about a proxy/server (its DOWN/UP history), or with this message. */
  | { readonly kind: 'events'; readonly proxy: string | null; readonly server: string | null; readonly message: string | null }
  | { readonly kind: 'rejects'; readonly reason: string | null }
  /** Sessions of a backend/server (or a client) in a span of time: the evidence of a finding. */
  | {
    readonly kind: 'sessions'; readonly title: string; readonly backend?: string | null; readonly server?: string | null;
    readonly status?: number | null; readonly clientIp?: string | null; readonly from?: string | null; readonly to?: string | null;
    /** Ended in [endsFrom, endsTo). */
    readonly endsFrom?: string | null; readonly endsTo?: string | null;
    readonly tunnelsOnly?: boolean; readonly upgradeRequested?: boolean; readonly queued?: boolean;
  };

/** A drill-down as shown: what it is over, the window it reads (null: all), its order and filter. */
export interface DrillQuery {
  readonly target: DrillTarget;
  readonly since: string | null;
  readonly order: 'asc' | 'desc';
  /** Only rows whose text contains this (case-insensitive). */
  readonly filter: string | null;
}

/** Where a row stands in every drill-down's order: its time (µs), source and line. */
export interface DrillKey {
  readonly k: number;
  readonly sourceId: number;
  readonly lineNo: number;
}

export interface DrillLine {
  readonly key: DrillKey;
  readonly ts: string | null;
  /** True: `text` is the line as logged. False: a clean session, which keeps no raw line; `text` is a summary of it. */
  readonly raw: boolean;
  readonly text: string;
}

export interface DrillPageRequest {
  /** Start after this row (from the first row when null), or at it when `inclusive`. */
  readonly anchor: DrillKey | null;
  readonly inclusive: boolean;
  /** Towards the start of the view's order instead of its end. The page comes back in the view's order. */
  readonly backward: boolean;
  readonly limit: number;
}

export interface DrillFindRequest {
  readonly term: string;
  /** Search after this row (from the first row when null). */
  readonly from: DrillKey | null;
  readonly backward: boolean;
}

export interface ScreenSource {
  load(): Promise<ScreenData>;
  /** Rows of a drill-down (with its filter). */
  drillCount(query: DrillQuery): Promise<number>;
  drillPage(query: DrillQuery, request: DrillPageRequest): Promise<readonly DrillLine[]>;
  /** The next row containing `term`, wrapping around at the end, and its position in the view; null: none. */
  drillFind(query: DrillQuery, request: DrillFindRequest): Promise<{ readonly key: DrillKey; readonly index: number } | null>;
  /** Typed SQL, run with external access disabled. */
  runSql(sql: string): Promise<QueryResult>;
  /**
   * When to call load() again after a load that took `tookMs`: null for an archive that does not change; for live
   * mode the refresh interval, or later when loads are slow (they must not starve the ingest, see store/pacing.ts).
   */
  nextRefreshMs(tookMs: number): number | null;
}
