/**
 * The fast path of a compiled log format: the same scan as log-format.ts's parser, over the line's bytes instead of
 * a string of it, for lines that are pure ASCII (so a byte is a character and the two scans see the same line).
 * Only values the record keeps become strings; numbers, dates and separators are read from the bytes. It accepts a
 * line only when it matched all of it; anything else (a line that does not match, is cut short, or a format node
 * it does not handle) is left to the string parser, which says why. The parity tests hold the two to the same
 * records (test/parse/byte-format.test.ts).
 */
import { ValueKind } from './log-format-variables.js';
import { assignNumber, assignText, scanPlan, splitRequest, type CompiledFormat, type FieldNode, type FormatNode } from './log-format.js';
import type { SessionRecord } from './session-record.js';

/** Parses `line` (a view of one line) from `start` into `rec` (reset by the caller); false when the string parser must decide. */
export type ByteParser = (line: Buffer, start: number, rec: SessionRecord) => boolean;

const SPACE = 32;
const QUOTE = 34;
const HTTP_VERSION = Buffer.from(' HTTP/', 'latin1');
export const MONTHS: Readonly<Record<string, number>> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

/** `count` ASCII digits at `at` as a number, or -1. */
export function digits(line: Uint8Array, at: number, count: number): number {
  let n = 0;
  for (let i = 0; i < count; i++) {
    const c = (line[at + i] ?? 0) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

const dayCache = new Map<number, number>();

/** `06/Feb/2009:12:14:14` at `at` as milliseconds of that wall-clock time read as UTC, or NaN (parseHaproxyDate's rules). */
function haproxyDate(line: Buffer, at: number): number {
  if (line[at + 2] !== 47 || line[at + 6] !== 47 || line[at + 11] !== 58) return NaN;
  // The day as one number: dd, the three month letters, yyyy.
  const key = ((((line[at]! * 128 + line[at + 1]!) * 128 + line[at + 3]!) * 128 + line[at + 4]!) * 128 + line[at + 5]!) * 10000 + digits(line, at + 7, 4);
  let dayMs = dayCache.get(key);
  if (dayMs === undefined) {
    const day = digits(line, at, 2);
    const month = MONTHS[latin1(line, at + 3, at + 6)];
    const year = digits(line, at + 7, 4);
    if (day < 1 || day > 31 || month === undefined || year < 0) return NaN;
    dayMs = Date.UTC(year, month, day);
    if (dayCache.size > 4096) dayCache.clear();
    dayCache.set(key, dayMs);
  }
  const h = digits(line, at + 12, 2);
  const m = digits(line, at + 15, 2);
  const s = digits(line, at + 18, 2);
  if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 60 || line[at + 14] !== 58 || line[at + 17] !== 58) return NaN;
  return dayMs + ((h * 60 + m) * 60 + s) * 1000;
}

/** parseNumber's rules over bytes [s, e): `-1`/`-` absent, a leading `+` allowed; NaN when not a number. */
function number(line: Buffer, s: number, e: number): number {
  if (s >= e) return Number.NaN;
  let i = s;
  let negative = false;
  const first = line[i];
  if (first === 43) i++;
  else if (first === 45) {
    if (e - s === 1) return -0.5;
    negative = true;
    i++;
  }
  if (i >= e) return Number.NaN;
  let n = 0;
  for (; i < e; i++) {
    const c = line[i]! - 48;
    if (c < 0 || c > 9) return Number.NaN;
    n = n * 10 + c;
  }
  return negative ? -n : n;
}

/** Short searches in JavaScript: a native Buffer#indexOf call costs more than scanning the few bytes it spans. */
function indexOfByte(line: Uint8Array, byte: number, from: number): number {
  for (let i = from; i < line.length; i++) if (line[i] === byte) return i;
  return -1;
}

function indexOfText(line: Uint8Array, text: Uint8Array, from: number): number {
  const first = text[0]!;
  const last = line.length - text.length;
  for (let i = from; i <= last; i++) {
    if (line[i] !== first) continue;
    let k = 1;
    while (k < text.length && line[i + k] === text[k]) k++;
    if (k === text.length) return i;
  }
  return -1;
}

function lastIndexOfText(line: Uint8Array, text: Uint8Array, from: number): number {
  for (let i = Math.min(from, line.length - text.length); i >= 0; i--) {
    let k = 0;
    while (k < text.length && line[i + k] === text[k]) k++;
    if (k === text.length) return i;
  }
  return -1;
}

/** The bytes [start, end) as a string (one byte a character: the lines here are ASCII). */
const latin1 = (line: Buffer, start: number, end: number): string => (line as unknown as { latin1Slice(s: number, e: number): string }).latin1Slice(start, end);

/**
 * The strings of the values a field had lately, by their bytes: names (frontends, servers, states…) repeat from
 * line to line, and finding them again costs less than making a string of them. Bounded: a value that keeps
 * changing (a session cookie) only ever costs its string.
 */
export class Interner {
  private readonly keys: Uint8Array[] = [];
  private readonly values: string[] = [];
  private next = 0;

  constructor(private readonly size = 32) {}

  get(line: Buffer, start: number, end: number): string {
    const length = end - start;
    const keys = this.keys;
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      if (key.length !== length) continue;
      let i = 0;
      while (i < length && key[i] === line[start + i]) i++;
      if (i === length) return this.values[k]!;
    }
    const value = latin1(line, start, end);
    const at = keys.length < this.size ? keys.length : this.next++ % this.size;
    keys[at] = line.slice(start, end);
    this.values[at] = value;
    return value;
  }
}

/** Targets whose values come back from line to line (names and states, not addresses, URIs or ids). */
const NAMES: ReadonlySet<string> = new Set([
  'frontend', 'backend', 'server', 'termination', 'requestCookie', 'responseCookie', 'method', 'httpVersion', 'upgrade', 'connection',
  'sslVersion', 'sslCipher', 'alpn', 'requestHeaders', 'responseHeaders',
]);

function startsAt(line: Buffer, text: Uint8Array, pos: number): boolean {
  if (pos + text.length > line.length) return false;
  for (let k = 0; k < text.length; k++) if (line[pos + k] !== text[k]) return false;
  return true;
}

/** The byte parser of `format`, or null when it has a node this path does not handle (the string parser then reads every line). */
export function compileByteFormat(format: CompiledFormat): ByteParser | null {
  const nodes: readonly FormatNode[] = format.nodes;
  const count = nodes.length;
  for (const n of nodes) {
    if (n.type === 'field' && (n.hex || n.kind === ValueKind.captureList || (n.quoted && n.kind !== ValueKind.request))) return null;
  }
  const literalBytes = nodes.map((n) => (n.type === 'literal' ? Buffer.from(n.text, 'latin1') : Buffer.alloc(0)));
  const { nextLiteral, lookahead } = scanPlan(nodes);
  const lookaheadBytes = lookahead.map((t) => Buffer.from(t, 'latin1'));
  const interners = nodes.map((n) => (n.type === 'field' && (NAMES.has(n.target) || n.target === 'frontendTransport') ? new Interner() : null));

  return (line, start, rec) => {
    let len = line.length;
    while (len > start && (line[len - 1] === SPACE || line[len - 1] === 9)) len--;
    let pos = start;
    let lastWroteNothing = false;
    for (let i = 0; i < count; i++) {
      const node = nodes[i]!;
      if (node.type === 'literal') {
        if (node.separator) {
          if (line[pos] === SPACE) {
            pos++;
            continue;
          } else if (!lastWroteNothing) return false;
        } else if (startsAt(line, literalBytes[i]!, pos)) pos += literalBytes[i]!.length;
        else return false;
        lastWroteNothing = false;
        continue;
      }
      lastWroteNothing = false;
      const isLast = i === count - 1;
      const lit = nextLiteral[i] ?? null;
      switch (node.kind) {
        case ValueKind.dateMs: {
          const ms = haproxyDate(line, pos);
          if (Number.isNaN(ms) || line[pos + 20] !== 46) return false;
          const frac = digits(line, pos + 21, 3);
          if (frac < 0) return false;
          rec.localMs = ms + frac;
          pos += 24;
          continue;
        }
        case ValueKind.dateOffset: {
          const ms = haproxyDate(line, pos);
          const sign = line[pos + 21];
          const zone = digits(line, pos + 22, 4);
          if (Number.isNaN(ms) || line[pos + 20] !== SPACE || (sign !== 43 && sign !== 45) || zone < 0) return false;
          const offsetMs = (Math.floor(zone / 100) * 60 + (zone % 100)) * 60_000;
          rec.utcMs = sign === 43 ? ms - offsetMs : ms + offsetMs;
          pos += 26;
          continue;
        }
        case ValueKind.captureBlock: {
          if (line[pos] !== 123) {
            lastWroteNothing = true;
            continue;
          }
          const close = indexOfByte(line, 125, pos + 1);
          if (close < 0) return false;
          assignText(rec, node, interners[i] ? interners[i]!.get(line, pos + 1, close) : latin1(line, pos + 1, close));
          pos = close + 1;
          continue;
        }
        case ValueKind.request: {
          let end: number;
          let valueStart = pos;
          let valueEnd: number;
          if (line[pos] === QUOTE) {
            valueStart = pos + 1;
            let close = indexOfByte(line, QUOTE, valueStart);
            if (isLast && close >= 0 && close !== len - 1) {
              if (line[len - 1] !== QUOTE) return false;
              close = len - 1;
            }
            // Cut by its sender inside the request: the string parser marks it truncated.
            if (close < 0) return false;
            valueEnd = close;
            end = close + 1;
          } else {
            const version = indexOfText(line, HTTP_VERSION, pos);
            const stop = lit && !lit.separator ? indexOfText(line, literalBytes[i + 1]!, pos) : -1;
            if (isLast) valueEnd = len;
            else if (version >= 0 && (stop < 0 || version < stop)) {
              const after = indexOfByte(line, SPACE, version + 6);
              valueEnd = after < 0 ? len : after;
            } else {
              const space = indexOfByte(line, SPACE, pos);
              valueEnd = space < 0 ? len : space;
            }
            end = valueEnd;
          }
          splitRequest(rec, latin1(line, valueStart, valueEnd));
          pos = end;
          continue;
        }
        default:
          break;
      }
      let valueEnd: number;
      let end: number;
      if (isLast) {
        valueEnd = len;
        end = len;
      } else if (lit === null) {
        const space = indexOfByte(line, SPACE, pos);
        valueEnd = space < 0 ? len : space;
        end = valueEnd;
      } else if (lit.separator) {
        const want = lookahead[i]!;
        const stop = want.length > 1 && node.kind === ValueKind.text ? indexOfText(line, lookaheadBytes[i]!, pos) : indexOfByte(line, SPACE, pos);
        valueEnd = stop < 0 ? len : stop;
        end = valueEnd;
      } else {
        const space = indexOfByte(line, SPACE, pos);
        const tokenEnd = space < 0 ? len : space;
        const at = node.kind === ValueKind.ip ? lastIndexOfText(line, literalBytes[i + 1]!, tokenEnd - 1) : indexOfText(line, literalBytes[i + 1]!, pos);
        if (at < pos || at >= tokenEnd + (lit.text.charCodeAt(0) === SPACE ? 1 : 0)) return false;
        valueEnd = at;
        end = at;
      }
      if (node.kind === ValueKind.number) {
        const n = number(line, pos, valueEnd);
        if (Number.isNaN(n)) return false;
        assignNumber(rec, node as FieldNode, n, line[pos] === 43);
      } else if (node.kind === ValueKind.epochSeconds) {
        const n = number(line, pos, valueEnd);
        if (Number.isNaN(n) || n < 0) return false;
        rec.utcMs = n * 1000;
      } else {
        if (valueEnd === pos) return false;
        const names = interners[i];
        if (node.target === 'frontendTransport' && names) {
          // `fe~`: an SSL frontend; the name without its `~` (assignText's rule).
          const ssl = line[valueEnd - 1] === 126;
          if (ssl) rec.ssl = true;
          rec.frontend = names.get(line, pos, ssl ? valueEnd - 1 : valueEnd);
        } else assignText(rec, node as FieldNode, names ? names.get(line, pos, valueEnd) : latin1(line, pos, valueEnd));
      }
      pos = end;
    }
    return pos >= len;
  };
}
