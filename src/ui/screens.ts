/** The screens, in tab order (number keys 1…8 pick them), their rows, and what a row or a finding drills into. */
import { rowFindingId, type Finding } from '../diagnose/analyze.js';
import type { DrillTarget, ScreenData, TunnelServer } from '../diagnose/screen-data.js';
import type { Row } from '../store/database.js';

export const SCREENS = [
  { id: 'overview', title: 'Overview' },
  { id: 'errors', title: 'Errors' },
  { id: 'disconnects', title: 'Disconnects' },
  { id: 'sticky', title: 'Sticky' },
  { id: 'tunnels', title: 'Tunnels' },
  { id: 'events', title: 'Events' },
  { id: 'query', title: 'Query' },
  { id: 'rejects', title: 'Rejects' },
] as const;

export type ScreenId = (typeof SCREENS)[number]['id'];

/** A row of the Tunnels screen: a backend, or (under the backend opened with Enter) one of its servers. */
export type TunnelRow = TunnelServer & { readonly level: 'backend' | 'server' };

/** The Tunnels screen's rows: every backend, and the servers of the one opened. */
export function tunnelRows(data: ScreenData, opened: string | null): TunnelRow[] {
  const rows: TunnelRow[] = [];
  for (const t of data.analysis.tunnels) {
    rows.push({ ...t, server: null, level: 'backend' });
    if (t.backend === opened) for (const s of data.tunnelServers.filter((x) => x.backend === t.backend)) rows.push({ ...s, level: 'server' });
  }
  return rows;
}

/** Rows a screen lists (what up/down move over). */
export function rowCount(screen: ScreenId, data: ScreenData | null, queryRows: number, opened: string | null = null): number {
  if (screen === 'query') return queryRows;
  if (!data) return 0;
  const a = data.analysis;
  switch (screen) {
    case 'overview': return a.findings.length;
    case 'errors': return a.errors.length;
    case 'disconnects': return a.disconnects.length;
    case 'sticky': return a.sticky.length;
    case 'tunnels': return tunnelRows(data, opened).length;
    case 'events': return a.events.length;
    case 'rejects': return data.rejects.length;
  }
}

const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** The lines behind the selected row, or null when it has none. */
export function drillTarget(screen: ScreenId, data: ScreenData | null, index: number, opened: string | null = null): DrillTarget | null {
  if (!data) return null;
  const a = data.analysis;
  switch (screen) {
    case 'overview': {
      const f = a.findings[index];
      return f ? findingLink(f, data)?.target ?? null : null;
    }
    case 'errors': {
      const e = a.errors[index];
      return e ? { kind: 'error', status: e.status, cause: e.cause, backend: e.backend, server: e.server } : null;
    }
    case 'disconnects': {
      const d = a.disconnects[index];
      return d ? { kind: 'disconnect', backend: d.backend, intervalMs: d.interval_ms } : null;
    }
    case 'sticky': {
      const s = a.sticky[index];
      return s ? { kind: 'sticky', backend: s.backend, method: s.method } : null;
    }
    case 'tunnels': {
      const t = tunnelRows(data, opened)[index];
      return t ? { kind: 'tunnels', backend: t.backend, server: t.server } : null;
    }
    case 'events': {
      const e = a.events[index];
      if (!e) return null;
      const proxy = text(e['proxy']);
      return { kind: 'events', proxy, server: proxy === null ? null : text(e['server']), message: text(e['message']) };
    }
    case 'rejects': {
      const r = data.rejects[index];
      return r ? { kind: 'rejects', reason: text(r['reason']) } : null;
    }
    default:
      return null;
  }
}

/** Where a finding leads: the screen (and row) it belongs to, and the lines that are its evidence. */
export interface FindingLink {
  readonly screen: ScreenId;
  readonly index: number;
  readonly target: DrillTarget | null;
}

const plusSeconds = (ts: string, s: number): string => new Date(Date.parse(ts) + s * 1000).toISOString();

export function findingLink(f: Finding, data: ScreenData): FindingLink | null {
  const a = data.analysis;
  const sameServer = (backend: string | null, server: string | null): boolean => backend === f.backend && (f.server === null || server === f.server);
  const details = (name: string) => a.details[name] ?? [];
  switch (f.kind) {
    case 'disconnect': {
      const index = a.disconnects.findIndex((d) => d.backend === f.backend && f.title.includes(`${d.count} tunnels`));
      return { screen: 'disconnects', index: Math.max(0, index), target: drillTarget('disconnects', data, Math.max(0, index)) };
    }
    case 'sticky': {
      const index = a.sticky.findIndex((s) => s.backend === f.backend);
      return { screen: 'sticky', index: Math.max(0, index), target: drillTarget('sticky', data, Math.max(0, index)) };
    }
    case 'health-check-101': {
      const index = a.events.findIndex((e) => e['proxy'] === f.backend && e['server'] === f.server);
      return { screen: 'events', index: Math.max(0, index), target: { kind: 'events', proxy: f.backend, server: f.server, message: null } };
    }
    case 'mass-disconnect': {
      const r = details('mass-disconnects').find((x) => sameServer(text(x['backend']), text(x['server'])));
      const second = text(r?.['second']);
      const index = a.tunnels.findIndex((t) => t.backend === f.backend);
      return {
        screen: 'tunnels', index: Math.max(0, index),
        target: second ? { kind: 'sessions', title: `tunnels of ${f.backend}/${f.server} ended at ${second}`, backend: f.backend, server: f.server, tunnelsOnly: true, endsFrom: second, endsTo: plusSeconds(second, 1) } : null,
      };
    }
    case 'reconnect-storm': {
      const r = details('reconnect-storms').find((x) => x['backend'] === f.backend && f.title.includes(`Client ${String(x['client_ip'])} `));
      const minute = text(r?.['minute']);
      return {
        screen: 'errors', index: 0,
        target: r && minute ? { kind: 'sessions', title: `upgrades of ${String(r['client_ip'])} to ${f.backend} in the minute from ${minute}`, backend: f.backend, clientIp: text(r['client_ip']), from: minute, to: plusSeconds(minute, 60), upgradeRequested: true } : null,
      };
    }
    case 'upgrade-denied': {
      const status = Number(/ denied with (\d+)/.exec(f.title)?.[1] ?? NaN);
      const index = a.errors.findIndex((e) => e.backend === f.backend && e.status === status);
      return { screen: 'errors', index: Math.max(0, index), target: { kind: 'sessions', title: `upgrades to ${f.backend} denied with ${status}`, backend: f.backend, status: Number.isNaN(status) ? null : status, upgradeRequested: true } };
    }
    case 'queueing':
      return { screen: 'errors', index: 0, target: { kind: 'sessions', title: `queued sessions of ${f.backend}${f.server === null ? '' : `/${f.server}`}`, backend: f.backend, server: f.server, queued: true } };
    case 'upgrade-anomaly':
    case 'reconnect-wave':
      return { screen: 'errors', index: 0, target: { kind: 'sessions', title: `upgrade requests to ${f.backend}`, backend: f.backend, upgradeRequested: true } };
    case 'rejects':
      return { screen: 'rejects', index: 0, target: { kind: 'rejects', reason: null } };
    case 'failure': {
      // An error group: the finding its row makes has this id.
      const index = a.errors.findIndex((e) => rowFindingId('errors', e as unknown as Row) === f.id);
      return index >= 0 ? { screen: 'errors', index, target: drillTarget('errors', data, index) } : null;
    }
    default:
      return null;
  }
}

/** The title of a drill-down: what its lines are. */
export function drillTitle(t: DrillTarget): string {
  switch (t.kind) {
    case 'error': return `${t.status ?? '-'} ${t.cause} on ${t.backend ?? '?'}/${t.server ?? '?'}`;
    case 'disconnect': return `tunnels of ${t.backend} ending after about ${t.intervalMs} ms`;
    case 'tunnels': return `tunnels of ${t.backend}${t.server === null ? '' : `/${t.server}`}`;
    case 'sticky': return `sticky-session misses on ${t.backend} (${t.method})`;
    case 'events': return t.proxy === null ? `events: ${t.message ?? ''}` : `events of ${t.proxy}${t.server === null ? '' : `/${t.server}`}`;
    case 'rejects': return `rejected lines: ${t.reason ?? 'all'}`;
    case 'sessions': return t.title;
  }
}
