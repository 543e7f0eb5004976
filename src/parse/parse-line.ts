/**
 * line → session | event | reject. Never throws: whatever the input, the caller gets one of the outcomes
 * below, so the accounting `lines = sessions + events + rejects + blank` always holds.
 */
import { compileByteFormat } from './byte-format.js';
import { parseEnvelope, type Envelope } from './envelope.js';
import { envelopeOfBytes } from './envelope-bytes.js';
import { EVENT_PATTERNS, type EventRecord } from './formats/events.js';
import { STOCK_FORMATS } from './formats/index.js';
import { compileLogFormat, type CompiledFormat } from './log-format.js';
import type { CaptureSlots } from './log-format-variables.js';
import { parseEvent } from './parse-event.js';
import { SessionRecord } from './session-record.js';
import { createTimeZone, type TimeZone } from './time-zone.js';

/** Why a line was not stored as a session or an event. Stable codes: reports and tests count by them. */
export const RejectReason = {
  /** No format describes the line. */
  unknownFormat: 'unknown_format',
  /** The line stops before its last field: the sender cut it (syslog/HAProxy `len`). */
  truncated: 'truncated',
  /** Longer than the line cap; only a prefix was kept. */
  tooLong: 'too_long',
  /** A compressed input ended early or was corrupt; the fragment after the damage is not a line. */
  damaged: 'damaged_input',
  /**
   * A line stored before its newline came (a followed file idle mid-line, or live stopping) that does not parse,
   * or the rest of such a line when it came later.
   */
  partial: 'partial',
} as const;
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];

export type ParseOutcome =
  | { readonly kind: 'session'; readonly session: SessionRecord; readonly envelope: Envelope; readonly tsMs: number }
  | { readonly kind: 'event'; readonly event: EventRecord; readonly envelope: Envelope; readonly tsMs: number }
  | { readonly kind: 'reject'; readonly reason: RejectReason; readonly detail: string; readonly tsMs: number }
  | { readonly kind: 'blank' };

export interface NamedLogFormat {
  readonly name: string;
  readonly logFormat: string;
  /** Header names of the proxy's capture slots, when the configuration gives them. */
  readonly captures?: CaptureSlots;
}

export interface LineParserOptions {
  /** Custom log-format strings, tried before the stock formats. */
  readonly logFormats?: readonly NamedLogFormat[];
  /** IANA zone of the HAProxy host's clock (accept dates carry no offset); default: this machine's. */
  readonly timeZone?: string;
  /** Date used for the year of year-less syslog stamps when no line carried a full date yet (e.g. file mtime). */
  readonly referenceDate?: Date;
  /** "Now" for year-less stamps, which are never put after it (tests; default: the clock at each such line). */
  readonly nowMs?: number;
  /** Read ASCII lines of known formats from their bytes (default true; false leaves every line to the string parser). */
  readonly fastPath?: boolean;
  /**
   * Frontend → name of the format the configuration gives it. A line is parsed with its frontend's format when
   * that format reads it; the shape decides only for frontends the configuration does not name.
   */
  readonly frontendFormats?: ReadonlyMap<string, string>;
}

export interface LineParser {
  parse(line: string): ParseOutcome;
  /**
   * The fast path: a session read from an ASCII line's bytes with the format that read the last line, or null when
   * `parse` must decide (another format, an event, a reject, an envelope the fast path does not read). What it
   * returns is what `parse` returns for the same line.
   */
  parseBytes(line: Buffer): ParseOutcome | null;
  readonly formats: readonly CompiledFormat[];
  readonly timeZone: TimeZone;
}

const WEBSOCKET = /websocket/i;
const UPGRADE_TOKEN = /(?:^|[\s,])upgrade(?:$|[\s,])/i;

/**
 * Without a configuration the capture slots are unnamed; a slot holding `websocket` is the Upgrade header and
 * one holding the `upgrade` token is the Connection header. The configuration (capture order) overrides this.
 */
function upgradeFromCaptures(rec: SessionRecord): void {
  const block = rec.requestHeaders;
  if (!block || (rec.upgrade !== null && rec.connection !== null)) return;
  // Capture blocks repeat a handful of values: read each distinct one once.
  let found = captureCache.get(block);
  if (found === undefined) {
    let upgrade: string | null = null;
    let connection: string | null = null;
    for (const slot of block.split('|')) {
      if (upgrade === null && WEBSOCKET.test(slot)) upgrade = slot;
      else if (connection === null && UPGRADE_TOKEN.test(slot)) connection = slot;
    }
    found = [upgrade, connection];
    if (captureCache.size >= 4096) captureCache.clear();
    captureCache.set(block, found);
  }
  if (rec.upgrade === null) rec.upgrade = found[0];
  if (rec.connection === null) rec.connection = found[1];
}

const captureCache = new Map<string, readonly [string | null, string | null]>();

/** The parser's own options out of a larger options object: what a worker is given (structured-cloneable). */
export function parserOptionsOf(options: LineParserOptions): LineParserOptions {
  return {
    ...(options.logFormats ? { logFormats: options.logFormats } : {}),
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
    ...(options.referenceDate ? { referenceDate: options.referenceDate } : {}),
    ...(options.frontendFormats ? { frontendFormats: options.frontendFormats } : {}),
    ...(options.nowMs !== undefined ? { nowMs: options.nowMs } : {}),
    ...(options.fastPath !== undefined ? { fastPath: options.fastPath } : {}),
  };
}

export function createLineParser(options: LineParserOptions = {}): LineParser {
  const custom = (options.logFormats ?? []).map((f) => compileLogFormat(f.name, f.logFormat, f.captures));
  const stock = STOCK_FORMATS.map((f) => compileLogFormat(f.name, f.logFormat));
  const formats = [...custom, ...stock];
  const byteParsers = options.fastPath === false ? formats.map(() => null) : formats.map(compileByteFormat);
  const timeZone = createTimeZone(options.timeZone);
  const reference = options.referenceDate ?? new Date();
  const record = new SessionRecord();
  // Year context for year-less stamps: the last full date seen in this input.
  let lastYear = reference.getUTCFullYear();
  let lastMonth = reference.getUTCMonth();
  let sawFullDate = false;
  let preferred = 0;
  const byName = new Map(formats.map((f) => [f.name, f] as const));
  const frontendFormats = options.frontendFormats ?? new Map<string, string>();

  let lastDay = Number.NaN;
  function noteFullDate(wallMs: number): void {
    const day = Math.floor(wallMs / 86_400_000);
    if (day === lastDay) return;
    lastDay = day;
    const d = new Date(wallMs);
    lastYear = d.getUTCFullYear();
    lastMonth = d.getUTCMonth();
    sawFullDate = true;
  }

  /** Year for a year-less stamp: the context year, rolled across New Year when the month jumps. */
  function yearFor(month: number): number {
    if (month > lastMonth + 6) return lastYear - 1;
    if (sawFullDate && month < lastMonth - 6) return lastYear + 1;
    return lastYear;
  }

  function envelopeTime(env: Envelope): number {
    if (!Number.isNaN(env.utcMs)) return env.utcMs;
    if (!Number.isNaN(env.localMs)) return timeZone.toUtc(env.localMs);
    if (env.yearless) {
      const year = yearFor(env.month);
      const utc = timeZone.toUtc(Date.UTC(year, env.month, env.day) + env.timeOfDayMs);
      // A guessed year never puts a line in the future (a December stamp read in early December is last year's);
      // a day of slack for clocks and zones that differ.
      const now = options.nowMs ?? Date.now();
      return utc > now + 86_400_000 ? timeZone.toUtc(Date.UTC(year - 1, env.month, env.day) + env.timeOfDayMs) : utc;
    }
    return Number.NaN;
  }

  /** The accept date is local wall-clock time; an envelope with an explicit offset tells which one. */
  function acceptTime(wallMs: number, env: Envelope): number {
    if (!Number.isNaN(env.utcMs) && Math.abs(env.localMs - wallMs) < 86_400_000) return wallMs - (env.localMs - env.utcMs);
    return timeZone.toUtc(wallMs);
  }

  function parse(line: string): ParseOutcome {
    if (line.length === 0 || line.trim().length === 0) return { kind: 'blank' };
    const env = parseEnvelope(line);
    const start = env.messageStart;
    let firstFailure: string | null = null;
    let truncated: string | null = null;
    for (let n = 0; n < formats.length; n++) {
      const index = n === 0 ? preferred : n <= preferred ? n - 1 : n;
      const format = formats[index]!;
      record.reset();
      const failure = format.parse(line, start, record);
      if (failure === null) {
        preferred = index;
        record.format = format.name;
        const configured = frontendFormats.size && record.frontend !== null ? frontendFormats.get(record.frontend) : undefined;
        if (configured !== undefined && configured !== format.name) {
          const own = byName.get(configured);
          record.reset();
          if (own && own.parse(line, start, record) === null) record.format = own.name;
          else {
            record.reset();
            format.parse(line, start, record);
            record.format = format.name;
          }
        }
        return sessionOutcome(env);
      }
      if (failure.includes('line ends early')) truncated ??= failure;
      firstFailure ??= failure;
    }
    // A bare `Word: …` line looks like a syslog tag without pid (`SPOE: [agent] …`): the message may start at 0.
    const bareTag = start > 0 && env.program !== null && Number.isNaN(env.pid) && env.host === null && Number.isNaN(env.utcMs) && Number.isNaN(env.localMs) && !env.yearless;
    const event = parseEvent(line, start) ?? (bareTag ? parseEvent(line, 0) : null);
    if (event) {
      let tsMs: number;
      if (event.localMs !== null) {
        noteFullDate(event.localMs);
        tsMs = acceptTime(event.localMs, env);
      } else tsMs = envelopeTime(env);
      return { kind: 'event', event, envelope: env, tsMs };
    }
    const tsMs = envelopeTime(env);
    if (truncated) return { kind: 'reject', reason: RejectReason.truncated, detail: truncated, tsMs };
    return {
      kind: 'reject',
      reason: RejectReason.unknownFormat,
      detail: `no known format matches (first difference: ${firstFailure ?? 'none'})`,
      tsMs,
    };
  }

  function parseBytes(line: Buffer): ParseOutcome | null {
    const byteParser = byteParsers[preferred];
    if (!byteParser || line.length === 0) return null;
    const env = envelopeOfBytes(line);
    if (!env) return null;
    const format = formats[preferred]!;
    record.reset();
    if (!byteParser(line, env.messageStart, record)) return null;
    record.format = format.name;
    // A frontend the configuration reads with another format: the string path decides.
    if (frontendFormats.size && record.frontend !== null) {
      const configured = frontendFormats.get(record.frontend);
      if (configured !== undefined && configured !== format.name) return null;
    }
    return sessionOutcome(env);
  }

  /** The record just read as a session: the Upgrade and Connection headers from its captures, and its time. */
  function sessionOutcome(env: Envelope): ParseOutcome {
    upgradeFromCaptures(record);
    let tsMs: number;
    if (!Number.isNaN(record.utcMs)) tsMs = record.utcMs;
    else if (!Number.isNaN(record.localMs)) {
      noteFullDate(record.localMs);
      tsMs = acceptTime(record.localMs, env);
    } else tsMs = envelopeTime(env);
    return { kind: 'session', session: record, envelope: env, tsMs };
  }

  return { parse, parseBytes, formats, timeZone };
}

/** The event patterns, re-exported for the format sample tests. */
export { EVENT_PATTERNS };
