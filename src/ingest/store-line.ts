/**
 * One line read → one row: a session, an event or a reject (or a blank line). Shared by the batch ingest and
 * the live follower, so both count and store every line the same way.
 */
import type { LineIssue } from '../input/read-lines.js';
import { RejectReason, type LineParser, type ParseOutcome } from '../parse/parse-line.js';
import type { EventRecord } from '../parse/formats/events.js';
import type { SessionRecord } from '../parse/session-record.js';
import type { SessionMeta } from '../store/session-columns.js';

export interface LineCounts {
  sessions: number;
  events: number;
  rejects: number;
  blank: number;
}

/** Adds a batch's counts to a running total. */
export function addCounts(total: LineCounts, batch: LineCounts): void {
  total.sessions += batch.sessions;
  total.events += batch.events;
  total.rejects += batch.rejects;
  total.blank += batch.blank;
}

/** Where storeLine puts rows: the store itself, or a batch encoded for it on the ingest worker. */
export interface LineSink {
  addSession(rec: SessionRecord, meta: SessionMeta, evidence: string | null, bytes: Uint8Array | null): void;
  addEvent(sourceId: number, lineNo: number, tsMs: number, host: string | null, pid: number, e: EventRecord, bytes: Uint8Array | null, raw: string): void;
  addReject(sourceId: number, lineNo: number, tsMs: number, reason: string, detail: string | null, raw: string, bytes: Uint8Array | null): void;
}

/**
 * A session worth keeping the raw line of, as evidence: anything but a clean success. Clean sessions are
 * fully described by their typed columns; keeping every raw line would double the store.
 */
export function isEvidence(rec: SessionRecord): boolean {
  const term = rec.termination;
  if (rec.truncated || term === null) return true;
  if (term.charCodeAt(0) !== 45 /* - */ || term.charCodeAt(1) !== 45) return true;
  if (term.length === 4 && (term[2] !== 'N' && term[2] !== '-' && term[2] !== 'V')) return true;
  const status = rec.status;
  return !Number.isNaN(status) && status >= 400;
}

/**
 * Parses `line` and adds its row to the store. `issue` and `bytes` come from the reader (a line over the cap,
 * or one whose exact bytes were not UTF-8). Returns the parse outcome, or null for a line over the cap.
 */
export function storeLine(
  store: LineSink,
  parser: LineParser,
  counts: LineCounts,
  sourceId: number,
  lineNo: number,
  line: string,
  issue: LineIssue | null,
  bytes: Buffer | null,
  maxLineBytes: number,
): ParseOutcome | null {
  if (issue === 'too_long') {
    store.addReject(sourceId, lineNo, Number.NaN, RejectReason.tooLong, `line longer than ${maxLineBytes} bytes; the first bytes are kept`, line, null);
    counts.rejects++;
    return null;
  }
  const outcome = parser.parse(line);
  switch (outcome.kind) {
    case 'blank':
      counts.blank++;
      break;
    case 'session':
      store.addSession(
        outcome.session,
        { sourceId, lineNo, tsMs: outcome.tsMs, host: outcome.envelope.host, pid: outcome.envelope.pid, invalidUtf8: bytes !== null },
        bytes !== null || isEvidence(outcome.session) ? line : null,
        bytes,
      );
      counts.sessions++;
      break;
    case 'event':
      store.addEvent(sourceId, lineNo, outcome.tsMs, outcome.envelope.host, outcome.envelope.pid, outcome.event, bytes, line);
      counts.events++;
      break;
    case 'reject':
      store.addReject(sourceId, lineNo, outcome.tsMs, outcome.reason, outcome.detail, line, bytes);
      counts.rejects++;
      break;
  }
  return outcome;
}
