/** The screens, in tab order (number keys 1…8 pick them), and what a row of each drills into. */
import type { DrillTarget, ScreenData } from '../diagnose/screen-data.js';

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

/** Rows a screen lists (what up/down move over). */
export function rowCount(screen: ScreenId, data: ScreenData | null, queryRows: number): number {
  if (screen === 'query') return queryRows;
  if (!data) return 0;
  const a = data.analysis;
  switch (screen) {
    case 'overview': return a.findings.length;
    case 'errors': return a.errors.length;
    case 'disconnects': return a.disconnects.length;
    case 'sticky': return a.sticky.length;
    case 'tunnels': return a.tunnels.length;
    case 'events': return a.events.length;
    case 'rejects': return data.rejects.length;
  }
}

/** The raw lines behind the selected row, or null when it has none. */
export function drillTarget(screen: ScreenId, data: ScreenData | null, index: number): DrillTarget | null {
  if (!data) return null;
  const a = data.analysis;
  switch (screen) {
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
      return s ? { kind: 'backend', backend: s.backend, tunnelsOnly: false } : null;
    }
    case 'tunnels': {
      const t = a.tunnels[index];
      return t ? { kind: 'backend', backend: t.backend, tunnelsOnly: true } : null;
    }
    case 'events': {
      const e = a.events[index];
      return e ? { kind: 'event', ts: e['ts'] === null || e['ts'] === undefined ? null : String(e['ts']), message: String(e['message'] ?? '') } : null;
    }
    case 'rejects': {
      const r = data.rejects[index];
      return r ? { kind: 'reject', sourceId: Number(r['source_id']), lineNo: Number(r['line_no']) } : null;
    }
    default:
      return null;
  }
}
