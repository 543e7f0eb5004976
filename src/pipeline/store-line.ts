/**
 * One line read → one row: a session, an event or a reject (or a blank line). Every line of every source goes
 * through here, so the accounting `lines = sessions + events + rejects + blank` holds whatever the command.
 */
import type { LineIssue } from '../input/split-lines.js';
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

/** Where storeLine puts rows: a batch encoded for the store. */
export interface LineSink {
  addSession(rec: SessionRecord, meta: SessionMeta, evidence: string | null, bytes: Uint8Array | null): void;
  addEvent(lineNo: number, tsMs: number, host: string | null, pid: number, e: EventRecord, bytes: Uint8Array | null, raw: string): void;
  addReject(lineNo: number, tsMs: number, reason: string, detail: string | null, raw: string, bytes: Uint8Array | null): void;
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
 * Parses `line` and adds its row to `store`. `issue` and `bytes` come from the splitter: a line over the cap
 * (only its first bytes), one whose exact bytes were not UTF-8, the rest of a line stored before as partial, the
 * fragment of a broken compressed input. `partial`: the line was stored before its newline came (it may be
 * cut short). Returns the parse outcome, or null for a line that was not parsed.
 */
export function storeLine(
  store: LineSink,
  parser: LineParser,
  counts: LineCounts,
  lineNo: number,
  line: string,
  issue: LineIssue | null,
  bytes: Buffer | null,
  partial: boolean,
  maxLineBytes: number,
): ParseOutcome | null {
  const reject = (reason: string, detail: string, keep: Buffer | null): null => {
    store.addReject(lineNo, Number.NaN, reason, detail, line, keep);
    counts.rejects++;
    return null;
  };
  switch (issue) {
    case 'too_long':
      return reject(RejectReason.tooLong, `line longer than ${maxLineBytes} bytes; the first bytes are kept`, bytes);
    case 'continuation':
      return reject(RejectReason.partial, 'the rest of a line stored before its newline came (see the line before)', bytes);
    case 'damaged':
      return reject(RejectReason.damaged, 'partial line at the end of a truncated compressed input', bytes);
    default:
  }
  const outcome = parser.parse(line);
  switch (outcome.kind) {
    case 'blank':
      counts.blank++;
      break;
    case 'session':
      store.addSession(
        outcome.session,
        { sourceId: 0, lineNo, tsMs: outcome.tsMs, host: outcome.envelope.host, pid: outcome.envelope.pid, invalidUtf8: bytes !== null },
        bytes !== null || partial || isEvidence(outcome.session) ? line : null,
        bytes,
      );
      counts.sessions++;
      break;
    case 'event':
      store.addEvent(lineNo, outcome.tsMs, outcome.envelope.host, outcome.envelope.pid, outcome.event, bytes, line);
      counts.events++;
      break;
    case 'reject':
      store.addReject(lineNo, outcome.tsMs, partial ? RejectReason.partial : outcome.reason,
        partial ? `stored before its newline came, and it does not parse (${outcome.detail})` : outcome.detail, line, bytes);
      counts.rejects++;
      break;
  }
  return outcome;
}
