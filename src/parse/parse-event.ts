/** HAProxy's own messages → EventRecord (see formats/events.ts for the patterns and their samples). */
import { EVENT_PATTERNS, EventKind, type EventRecord } from './formats/events.js';
import { parseHaproxyDate } from './log-format.js';

function intOrNull(text: string | undefined): number | null {
  if (text === undefined) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** Parses the message that starts at `start`, or returns null when it is not one of HAProxy's events. */
export function parseEvent(line: string, start: number): EventRecord | null {
  const message = start === 0 ? line : line.slice(start);
  for (const { kind, pattern } of EVENT_PATTERNS) {
    const m = pattern.exec(message);
    if (!m) continue;
    const event: EventRecord = {
      kind,
      proxy: null,
      server: null,
      reason: null,
      checkCode: null,
      checkInfo: null,
      checkDurationMs: null,
      activeServers: null,
      backupServers: null,
      sessionsActive: null,
      requeued: null,
      clientIp: null,
      clientPort: null,
      localMs: null,
      message,
    };
    if (kind === EventKind.connect) {
      event.clientIp = m[1] ?? null;
      event.clientPort = intOrNull(m[2]);
      event.proxy = m[5] ?? null;
      return event;
    }
    if (kind === EventKind.connectionError) {
      event.clientIp = m[1] ?? null;
      event.clientPort = intOrNull(m[2]);
      const wall = parseHaproxyDate(m[3] ?? '', 0);
      event.localMs = Number.isNaN(wall) ? null : wall + Number((m[3] ?? '').slice(21, 24));
      event.proxy = m[4] ?? null;
      event.server = m[5] ?? null; // the bind name, kept in the server column
      event.reason = m[6] ?? null;
      return event;
    }
    // Patterns name the proxy first, then the server when there is one (an alternation may leave gaps).
    const names = m.slice(1).filter((x): x is string => x !== undefined);
    event.proxy = names[0] ?? null;
    event.server = names[1] ?? null;
    const rest = message.slice(m[0].length);
    event.reason = /reason: ([^,]{1,200})/.exec(rest)?.[1]?.trim() ?? null;
    event.checkCode = intOrNull(/\bcode: (\d{1,4})/.exec(rest)?.[1]);
    event.checkInfo = /\binfo: "([^"]{0,500})"/.exec(rest)?.[1] ?? null;
    event.checkDurationMs = intOrNull(/check duration: (\d{1,9})ms/.exec(rest)?.[1]);
    const servers = /(\d{1,6}) active and (\d{1,6}) backup servers?/.exec(rest);
    event.activeServers = intOrNull(servers?.[1]);
    event.backupServers = intOrNull(servers?.[2]);
    const sessions = /(\d{1,9}) sessions active, (\d{1,9}) requeued/.exec(rest);
    event.sessionsActive = intOrNull(sessions?.[1]);
    event.requeued = intOrNull(sessions?.[2] ?? /(\d{1,9}) sessions requeued/.exec(rest)?.[1]);
    return event;
  }
  return null;
}
