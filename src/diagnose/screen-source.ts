/**
 * The ScreenSource over a database: the analysis of the sliding window (live) or of the whole archive, and the
 * raw lines behind a row. Every statement goes through `exclusive`, the live ingest's serializer: one statement
 * at a time on the connection.
 */
import type { HaproxyConfig } from '../config/read-config.js';
import { analyzeWith } from './analyze.js';
import { runQuery } from './run-query.js';
import type { Database, QueryResult, Row, SqlValue } from '../store/database.js';
import { nextRunDelay } from '../store/pacing.js';
import { createSerializer, type Serializer } from '../store/serializer.js';
import type { CauseTimeline, DrillResult, DrillTarget, LiveStats, ScreenData, ScreenSource } from './screen-data.js';

export interface ScreenSourceOptions {
  readonly config: HaproxyConfig | null;
  /** Live: the sliding window, ending at the newest log timestamp. */
  readonly windowMs: number | null;
  /** The serializer of whoever else uses the connection (the live ingest); else one of its own. */
  readonly exclusive?: Serializer;
  /** Live: the follower's stats, and the newest log timestamp (the window's end). */
  readonly live?: () => LiveStats & { readonly latestTsMs: number | null };
  readonly refreshMs?: number | null;
  readonly backend?: string | null;
}

const DRILL_LIMIT = 500;
/** Sessions/s and upgrades/s are counted over the newest seconds of a live window. */
const RATE_MS = 10_000;
const toSql = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/** Spans of the Overview's sparklines. */
const TIMELINE_BUCKETS = 40;

/** failure-timeline rows → one series per cause, every span present, most 5xx first. */
export function toTimeline(rows: readonly Row[]): ScreenData['failureTimeline'] {
  const first = rows[0];
  if (!first) return { bucketMs: 0, causes: [] };
  const bucketMs = Number(first['bucket_ms']);
  const spans = Math.max(1, Math.min(TIMELINE_BUCKETS, Number(first['buckets'])));
  const byCause = new Map<string, number[]>();
  for (const r of rows) {
    const cause = String(r['cause']);
    let counts = byCause.get(cause);
    if (!counts) byCause.set(cause, (counts = new Array<number>(spans).fill(0)));
    const at = Math.min(Number(r['bucket']), spans - 1);
    counts[at] = (counts[at] ?? 0) + Number(r['count']);
  }
  const causes: CauseTimeline[] = [...byCause].map(([cause, counts]) => ({
    cause, perSecond: counts.map((n) => (n * 1000) / bucketMs), total: counts.reduce((a, b) => a + b, 0),
  }));
  causes.sort((a, b) => b.total - a.total || a.cause.localeCompare(b.cause));
  return { bucketMs, causes };
}

export interface ClosableScreenSource extends ScreenSource {
  /** Refuses further work and waits for the statements already queued: call it before closing the database. */
  close(): Promise<void>;
}

export class SourceClosedError extends Error {}

export function createScreenSource(db: Database, options: ScreenSourceOptions): ClosableScreenSource {
  const serial = options.exclusive ?? createSerializer();
  let closed = false;
  // A screen may still be loading when the user quits: nothing may reach the connection once it is closing.
  const exclusive: Serializer = (fn) => serial(() => {
    if (closed) throw new SourceClosedError('closed');
    return fn();
  });
  const backend = options.backend ?? null;
  let locked = false;

  const since = (): string | null => {
    const latest = options.live?.().latestTsMs ?? null;
    return options.windowMs !== null && latest !== null ? toSql(latest - options.windowMs) : null;
  };

  async function lines(name: string, params: Record<string, SqlValue>, title: string): Promise<DrillResult> {
    const result = await exclusive(() => runQuery(db, name, { since: null, until: null, backend: null }, { limit: DRILL_LIMIT, ...params }));
    return {
      title,
      lines: result.map((r) => ({ sourceId: Number(r['source_id']), lineNo: Number(r['line_no']), text: String(r['text'] ?? '') })),
    };
  }

  return {
    async close() {
      await serial(() => {
        closed = true;
      });
    },
    nextRefreshMs(tookMs: number): number | null {
      const interval = options.refreshMs ?? null;
      return interval === null ? null : nextRunDelay(Math.max(1000, interval), tookMs);
    },
    async load(): Promise<ScreenData> {
      const from = since();
      const scope = { since: from, until: null, backend };
      const { analysis, timeline, tunnels, rejects, rateRow } = await exclusive(async () => {
        const [analysis, timeline] = await analyzeWith(db, scope, options.config, () => runQuery(db, 'failure-timeline', scope, { buckets: TIMELINE_BUCKETS }));
        const tunnels = await runQuery(db, 'open-tunnels', scope);
        const rejects = await runQuery(db, 'recent-rejects', scope, { limit: DRILL_LIMIT });
        const rateRow = await runQuery(db, 'session-rates', scope, { recent: options.windowMs !== null, rate_ms: RATE_MS });
        return { analysis, timeline, tunnels, rejects, rateRow };
      });
      const r = rateRow[0] ?? {};
      const seconds = Math.max(Number(r['span_ms'] ?? 0) / 1000, 1);
      const live = options.live?.() ?? null;
      return {
        analysis,
        rejects,
        rates: { sessionsPerSecond: Number(r['n'] ?? 0) / seconds, upgradesPerSecond: Number(r['u'] ?? 0) / seconds },
        openTunnels: tunnels.length ? tunnels.reduce((sum, t) => sum + Number(t['open'] ?? 0), 0) : null,
        failureTimeline: toTimeline(timeline),
        live,
        since: from,
      };
    },
    async drill(target: DrillTarget): Promise<DrillResult> {
      const from = since();
      switch (target.kind) {
        case 'error':
          return lines('drill-error', { since: from, scope_backend: backend, cause: target.cause, status: target.status, backend: target.backend, server: target.server },
            `${target.status ?? '-'} ${target.cause} on ${target.backend ?? '?'}/${target.server ?? '?'}`);
        case 'disconnect':
          return lines('drill-disconnect', { since: from, backend: target.backend, interval_ms: target.intervalMs },
            `tunnels of ${target.backend} ending after about ${target.intervalMs} ms`);
        case 'backend':
          return lines('drill-backend', { since: from, backend: target.backend, tunnels_only: target.tunnelsOnly },
            `${target.tunnelsOnly ? 'tunnels' : 'sessions'} of ${target.backend}`);
        case 'event':
          return lines('drill-event', { ts: target.ts === null ? null : target.ts.replace('T', ' ').replace('Z', ''), message: target.message }, 'event');
        case 'reject':
          return lines('drill-reject', { source_id: target.sourceId, line_no: target.lineNo }, `rejected line ${target.sourceId}:${target.lineNo}`);
      }
    },
    async runSql(sql: string): Promise<QueryResult> {
      return exclusive(async () => {
        if (!locked) {
          await db.lockDown();
          locked = true;
        }
        return db.query(sql);
      });
    },
  };
}
