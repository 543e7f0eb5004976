/**
 * The ScreenSource over a database: the analysis of the sliding window (live) or of the whole archive, and the
 * raw lines behind a row. Every statement goes through `exclusive`, the live ingest's serializer: one statement
 * at a time on the connection.
 */
import type { HaproxyConfig } from '../config/read-config.js';
import { analyzeWith } from './analyze.js';
import { prepareDiagnoses, runDrill, runQuery } from './run-query.js';
import type { Database, QueryResult, Row, SqlValue } from '../store/database.js';
import { SCREENS_RESERVE_BYTES } from '../store/memory-budget.js';
import { nextRunDelay } from '../store/pacing.js';
import { createSerializer, type Serializer } from '../store/serializer.js';
import type { CauseTimeline, ConfiguredTimeout, DrillKey, DrillLine, DrillQuery, DrillTarget, LiveStats, ScreenData, ScreenSource, TunnelServer } from './screen-data.js';

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

/** Rejected lines the Rejects screen lists (Enter pages through all of a reason). */
const REJECTS_LIMIT = 500;
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

export function toTunnelServer(r: Row): TunnelServer {
  const histogram: Record<string, number> = {};
  const h = r['histogram'];
  if (h && typeof h === 'object' && !Array.isArray(h)) for (const [k, v] of Object.entries(h)) histogram[k] = Number(v);
  return {
    backend: String(r['backend']), server: r['server'] === null ? null : String(r['server']), count: Number(r['count']),
    p50_ms: Number(r['p50_ms']), p90_ms: Number(r['p90_ms']), p99_ms: Number(r['p99_ms']), max_ms: Number(r['max_ms']), histogram,
  };
}

const anchorParams = (key: DrillKey | null): Record<string, SqlValue> =>
  key ? { at_k: key.k, at_source: key.sourceId, at_line: key.lineNo } : { at_k: null, at_source: null, at_line: null };

/** The rows query of a drill-down and its parameters; `scopeBackend` is the --backend the screens are limited to. */
export function drillRows(query: DrillQuery, scopeBackend: string | null): [string, Record<string, SqlValue>] {
  const t: DrillTarget = query.target;
  const sessions = (p: Record<string, SqlValue>): [string, Record<string, SqlValue>] => ['drill-sessions', { since: query.since, scope_backend: scopeBackend, ...p }];
  switch (t.kind) {
    // -1: a group of sessions without a status (TCP mode), see drill-sessions.sql.
    case 'error': return sessions({ backend: t.backend, server: t.server, status: t.status ?? -1, cause: t.cause });
    case 'disconnect': return sessions({ backend: t.backend, interval_ms: t.intervalMs });
    case 'tunnels': return sessions({ backend: t.backend, server: t.server, tunnels_only: true });
    case 'sessions': return sessions({
      backend: t.backend ?? null, server: t.server ?? null, status: t.status ?? null, client_ip: t.clientIp ?? null,
      from_ts: t.from ?? null, to_ts: t.to ?? null, ends_from: t.endsFrom ?? null, ends_to: t.endsTo ?? null, tunnels_only: t.tunnelsOnly ?? false, upgrade_requested: t.upgradeRequested ?? false, queued: t.queued ?? false,
    });
    case 'sticky': return ['drill-sticky', { since: query.since, scope_backend: scopeBackend, backend: t.backend, method: t.method }];
    case 'events': return ['drill-events', { proxy: t.proxy, server: t.server, message: t.message }];
    case 'rejects': return ['drill-rejects', { reason: t.reason }];
  }
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
  let macros = false;
  // DuckDB's analysis memory leaves room for the screens themselves: set before any analysis or drill-down (the
  // first call of allowAnalysisMemory sets it).
  const screensMemory = (): Promise<void> => db.allowAnalysisMemory(SCREENS_RESERVE_BYTES);
  // The drill-down queries read the macros of queries/ (session_lines); a load defines them too.
  const prepared = async (): Promise<void> => {
    if (macros) return;
    await screensMemory();
    await prepareDiagnoses(db);
    macros = true;
  };

  const since = (): string | null => {
    const latest = options.live?.().latestTsMs ?? null;
    return options.windowMs !== null && latest !== null ? toSql(latest - options.windowMs) : null;
  };

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
      const { analysis, timeline, tunnels, rejects, rateRow, servers, timeouts } = await exclusive(async () => {
        // analyzeWith defines the macros itself.
        await screensMemory();
        // The queries that read session_causes run inside the analysis's materialized scope (tunnel-servers over
        // 10 M sessions: 1.75 s over the raw view, 0.58 s there); the others read the sessions or rejects themselves.
        const [analysis, [timeline, servers]] = await analyzeWith(db, scope, options.config, async () => [
          await runQuery(db, 'failure-timeline', scope, { buckets: TIMELINE_BUCKETS }),
          await runQuery(db, 'tunnel-servers', scope),
        ] as const);
        const tunnels = await runQuery(db, 'open-tunnels', scope);
        const rejects = await runQuery(db, 'recent-rejects', scope, { limit: REJECTS_LIMIT });
        const rateRow = await runQuery(db, 'session-rates', scope, { recent: options.windowMs !== null, rate_ms: RATE_MS });
        const timeouts = await runQuery(db, 'configured-timeouts', scope);
        return { analysis, timeline, tunnels, rejects, rateRow, servers, timeouts };
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
        tunnelServers: servers.map(toTunnelServer),
        timeouts: timeouts.map((t): ConfiguredTimeout => ({ backend: String(t['backend']), name: String(t['name']), ms: Number(t['ms']), text: String(t['text']), where: String(t['where']) })),
      };
    },
    async drillCount(query: DrillQuery): Promise<number> {
      const [rows, params] = drillRows(query, backend);
      const [row] = await exclusive(async () => {
        await prepared();
        return runDrill(db, rows, 'drill-count', { ...params, filter: query.filter });
      });
      return Number(row?.['total'] ?? 0);
    },
    async drillPage(query, request): Promise<readonly DrillLine[]> {
      const [rows, params] = drillRows(query, backend);
      // Backward pages are read in the opposite direction, then turned round into the view's order.
      const dir = (query.order === 'asc' ? 1 : -1) * (request.backward ? -1 : 1);
      const result = await exclusive(async () => {
        await prepared();
        return runDrill(db, rows, 'drill-page', {
          ...params, ...anchorParams(request.anchor), filter: query.filter, dir, inclusive: request.inclusive, limit: request.limit,
        });
      });
      const lines = result.map((r): DrillLine => ({
        key: { k: Number(r['k']), sourceId: Number(r['source_id']), lineNo: Number(r['line_no']) },
        ts: r['ts'] === null ? null : String(r['ts']), raw: r['raw'] === true, text: String(r['text'] ?? ''),
      }));
      return request.backward ? lines.reverse() : lines;
    },
    async drillFind(query, request) {
      const [rows, params] = drillRows(query, backend);
      const order = query.order === 'asc' ? 1 : -1;
      const dir = order * (request.backward ? -1 : 1);
      const find = (from: DrillKey | null) => runDrill(db, rows, 'drill-find', { ...params, ...anchorParams(from), filter: query.filter, dir, order, term: request.term });
      const [hit] = await exclusive(async () => {
        await prepared();
        const after = await find(request.from);
        // Past the last match: wrap around to the first, as less and vi do.
        return after.length || request.from === null ? after : find(null);
      });
      return hit ? { key: { k: Number(hit['k']), sourceId: Number(hit['source_id']), lineNo: Number(hit['line_no']) }, index: Number(hit['idx']) } : null;
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
