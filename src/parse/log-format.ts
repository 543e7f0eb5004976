/**
 * Compiles a HAProxy `log-format` string (section 8.2.6) into a line parser that fills a SessionRecord.
 *
 * The stock formats (httplog, clf, tcplog, httpslog) are log-format strings given to this same compiler
 * (HAProxy declares them that way too). The scanner walks the line with indexOf and char codes only: no
 * regular expression touches the line, so no input can make it backtrack.
 */
import { tokenize } from './config-words.js';
import { LOG_FORMAT_VARIABLES, ValueKind, sampleName, sampleTarget, type CaptureSlots, type Target } from './log-format-variables.js';
import type { SessionRecord } from './session-record.js';

export interface LiteralNode {
  readonly type: 'literal';
  readonly text: string;
  /** A run of spaces in the format: HAProxy writes one space, and none after a field that wrote nothing. */
  readonly separator: boolean;
}

export interface FieldNode {
  readonly type: 'field';
  /** `%tsc`, `%[var(txn.upg)]`… as written, for messages. */
  readonly token: string;
  /** Column name for `extra` targets. */
  readonly name: string;
  readonly kind: ValueKind;
  readonly target: Target;
  readonly quoted: boolean;
  readonly hex: boolean;
}

export type FormatNode = LiteralNode | FieldNode;

export interface CompiledFormat {
  readonly name: string;
  readonly logFormat: string;
  readonly nodes: readonly FormatNode[];
  /** Names of the extra columns this format produces (custom variables and sample expressions). */
  readonly extraColumns: readonly string[];
  /**
   * Parses `line` from `start` into `rec` (which the caller has reset). Returns null when the line is of
   * this format, otherwise why not, as a short message naming the field and column.
   */
  parse(line: string, start: number, rec: SessionRecord): string | null;
}

export class LogFormatError extends Error {}

/**
 * Undo the configuration-file quoting HAProxy applies before it reads a log-format string. Spaces between words
 * are separators in a log-format, so joining the words with one space keeps its meaning.
 */
export function unquoteConfigString(raw: string): string {
  return tokenize(raw).join(' ');
}

interface Flags {
  quoted: boolean;
  hex: boolean;
}

function applyFlags(flags: Flags, spec: string): Flags {
  const next = { ...flags };
  for (const part of spec.split(',')) {
    const sign = part[0];
    const flag = part.slice(1);
    if (sign !== '+' && sign !== '-') continue;
    if (flag === 'Q') next.quoted = sign === '+';
    if (flag === 'X') next.hex = sign === '+';
    // E (escape for RFC 5424 structured data) adds backslashes before " \ ]; values are kept as written.
  }
  return next;
}

/** Splits a log-format string into literals and fields, as HAProxy's parse_logformat_string does. */
export function tokenizeLogFormat(format: string, captures?: CaptureSlots): FormatNode[] {
  const nodes: FormatNode[] = [];
  let literal = '';
  let global: Flags = { quoted: false, hex: false };
  const flushLiteral = (): void => {
    if (!literal) return;
    // Spaces are separators, merged into one; text around them stays literal.
    let run = '';
    for (const ch of literal) {
      if (ch === ' ') {
        if (run) nodes.push({ type: 'literal', text: run, separator: false });
        run = '';
        const last = nodes[nodes.length - 1];
        if (!(last?.type === 'literal' && last.separator)) nodes.push({ type: 'literal', text: ' ', separator: true });
      } else run += ch;
    }
    if (run) nodes.push({ type: 'literal', text: run, separator: false });
    literal = '';
  };
  for (let i = 0; i < format.length; i++) {
    const ch = format[i]!;
    if (ch !== '%') {
      literal += ch === '\t' ? ' ' : ch;
      continue;
    }
    if (format[i + 1] === '%') {
      literal += '%';
      i++;
      continue;
    }
    let j = i + 1;
    let flags = global;
    let flagSpec = '';
    if (format[j] === '{') {
      const close = format.indexOf('}', j);
      if (close < 0) throw new LogFormatError(`unclosed '{' at column ${j + 1} of the log-format`);
      flagSpec = format.slice(j + 1, close);
      flags = applyFlags(global, flagSpec);
      j = close + 1;
    }
    let token: string;
    let spec;
    let name: string;
    if (format[j] === '[') {
      const close = findSampleEnd(format, j);
      if (close < 0) throw new LogFormatError(`unclosed '[' at column ${j + 1} of the log-format`);
      const expr = format.slice(j + 1, close).trim();
      token = `%[${expr}]`;
      spec = { kind: ValueKind.text, target: sampleTarget(expr, captures) };
      name = sampleName(expr, captures);
      j = close + 1;
    } else {
      let k = j;
      while (k < format.length && /[A-Za-z]/.test(format[k]!)) k++;
      const varName = format.slice(j, k);
      spec = LOG_FORMAT_VARIABLES[varName];
      if (!spec) throw new LogFormatError(`unknown log-format variable '%${varName}' at column ${i + 1}`);
      token = `%${varName}`;
      name = varName;
      j = k;
    }
    flushLiteral();
    if (spec.kind === ValueKind.flagsOnly) {
      global = flags;
    } else {
      nodes.push({ type: 'field', token, name, kind: spec.kind, target: spec.target, quoted: flags.quoted, hex: flags.hex });
    }
    i = j - 1;
  }
  flushLiteral();
  // Leading and trailing separators produce nothing on the line.
  while (nodes[0]?.type === 'literal' && nodes[0].separator) nodes.shift();
  while (nodes.length && nodes[nodes.length - 1]!.type === 'literal' && (nodes[nodes.length - 1] as LiteralNode).separator) nodes.pop();
  return nodes;
}

function findSampleEnd(format: string, open: number): number {
  let depth = 0;
  for (let k = open; k < format.length; k++) {
    const ch = format[k];
    if (ch === '[') depth++;
    else if (ch === ']' && --depth === 0) return k;
  }
  return -1;
}

const MONTHS: Readonly<Record<string, number>> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

/** Two or more ASCII digits at `at`, or -1. */
function digits(line: string, at: number, count: number): number {
  let n = 0;
  for (let i = 0; i < count; i++) {
    const c = line.charCodeAt(at + i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

const dayCache = new Map<string, number>();

/** `06/Feb/2009:12:14:14` at `at` as milliseconds of that wall-clock time read as UTC, or NaN. */
export function parseHaproxyDate(line: string, at: number): number {
  if (line.charCodeAt(at + 2) !== 47 /* / */ || line.charCodeAt(at + 6) !== 47 || line.charCodeAt(at + 11) !== 58 /* : */) return NaN;
  const dayKey = line.substr(at, 11);
  let dayMs = dayCache.get(dayKey);
  if (dayMs === undefined) {
    const day = digits(line, at, 2);
    const month = MONTHS[line.substr(at + 3, 3)];
    const year = digits(line, at + 7, 4);
    if (day < 1 || day > 31 || month === undefined || year < 0) return NaN;
    dayMs = Date.UTC(year, month, day);
    if (dayCache.size > 4096) dayCache.clear();
    dayCache.set(dayKey, dayMs);
  }
  const h = digits(line, at + 12, 2);
  const m = digits(line, at + 15, 2);
  const s = digits(line, at + 18, 2);
  if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 60 || line.charCodeAt(at + 14) !== 58 || line.charCodeAt(at + 17) !== 58) return NaN;
  return dayMs + ((h * 60 + m) * 60 + s) * 1000;
}

/** Parses [s, e) as a HAProxy number: `-1` and `-` are absent (NaN), a leading `+` is reported by sign. */
function parseNumber(line: string, s: number, e: number, hex: boolean): number {
  if (s >= e) return Number.NaN;
  let i = s;
  let negative = false;
  const first = line.charCodeAt(i);
  if (first === 43 /* + */) i++;
  else if (first === 45 /* - */) {
    if (e - s === 1) return -0.5; // a lone '-': absent (sentinel, see callers)
    negative = true;
    i++;
  }
  if (i >= e) return Number.NaN;
  let n = 0;
  if (hex) {
    for (; i < e; i++) {
      const c = line.charCodeAt(i);
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1;
      if (d < 0) return Number.NaN;
      n = n * 16 + d;
    }
  } else {
    for (; i < e; i++) {
      const c = line.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return Number.NaN;
      n = n * 10 + c;
    }
  }
  return negative ? -n : n;
}

function hexIp(value: string): string {
  if (/^[0-9A-Fa-f]{8}$/.test(value)) {
    const n = parseInt(value, 16);
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  return value;
}

/** Splits `GET /path?q HTTP/1.1` into the record's method, uri and version. */
export function splitRequest(rec: SessionRecord, request: string): void {
  rec.request = request;
  const firstSpace = request.indexOf(' ');
  if (firstSpace < 0) {
    // `<BADREQ>` and other single tokens: no method/uri/version to report.
    if (request.charCodeAt(0) !== 60 /* < */) rec.method = request || null;
    return;
  }
  rec.method = request.slice(0, firstSpace);
  const lastSpace = request.lastIndexOf(' ');
  if (lastSpace > firstSpace && request.startsWith('HTTP/', lastSpace + 1)) {
    rec.uri = request.slice(firstSpace + 1, lastSpace);
    rec.httpVersion = request.slice(lastSpace + 1);
  } else {
    rec.uri = request.slice(firstSpace + 1);
  }
}

export function assignText(rec: SessionRecord, node: FieldNode, value: string): void {
  // `<BADREQ>` stands where %HM/%HU/%HV have nothing to show (an invalid or incomplete request).
  const absent = value === '-' || value === '' || (value === '<BADREQ>' && (node.target === 'method' || node.target === 'uri' || node.target === 'httpVersion'));
  switch (node.target) {
    case 'clientIp':
      rec.clientIp = absent ? null : node.hex ? hexIp(value) : value;
      break;
    case 'frontendTransport':
      if (value.endsWith('~')) {
        rec.ssl = true;
        rec.frontend = value.slice(0, -1);
      } else rec.frontend = value;
      break;
    case 'frontend': rec.frontend = value; break;
    case 'backend': rec.backend = value; break;
    case 'server': rec.server = value; break;
    case 'requestCookie': rec.requestCookie = absent ? null : value; break;
    case 'responseCookie': rec.responseCookie = absent ? null : value; break;
    case 'termination': rec.termination = value; break;
    case 'requestHeaders': rec.requestHeaders = value; break;
    case 'responseHeaders': rec.responseHeaders = value; break;
    case 'request': splitRequest(rec, value); break;
    case 'method': rec.method = absent ? null : value; break;
    case 'uri': rec.uri = absent ? null : value; break;
    case 'httpVersion': rec.httpVersion = absent ? null : value; break;
    case 'uniqueId': rec.uniqueId = absent ? null : value; break;
    case 'sslVersion': rec.sslVersion = absent ? null : value; break;
    case 'sslCipher': rec.sslCipher = absent ? null : value; break;
    case 'upgrade': rec.upgrade = absent ? null : value; break;
    case 'connection': rec.connection = absent ? null : value; break;
    case 'sni': rec.sni = absent ? null : value; break;
    case 'alpn': rec.alpn = absent ? null : value; break;
    case 'backendError': rec.backendError = absent ? null : value; break;
    case 'extra':
      if (!absent) (rec.extras ??= {})[node.name] = value;
      break;
    default:
      break;
  }
}

export function assignNumber(rec: SessionRecord, node: FieldNode, n: number, plus: boolean): void {
  // HAProxy writes -1 for a timer or counter whose event never happened (section 8.4): absent.
  const value = n === -1 || n === -0.5 ? Number.NaN : n;
  switch (node.target) {
    case 'clientPort': rec.clientPort = value; break;
    case 'timeRequest': rec.timeRequest = value; break;
    case 'timeQueue': rec.timeQueue = value; break;
    case 'timeConnect': rec.timeConnect = value; break;
    case 'timeResponse': rec.timeResponse = value; break;
    case 'timeActive': rec.timeActive = value; if (plus) rec.logasap = true; break;
    case 'timeTotal': rec.timeTotal = value; if (plus) rec.logasap = true; break;
    case 'timeHandshake': rec.timeHandshake = value; break;
    case 'timeIdle': rec.timeIdle = value; break;
    case 'status': rec.status = value; break;
    case 'bytesRead': rec.bytesRead = value; if (plus) rec.logasap = true; break;
    case 'bytesUploaded': rec.bytesUploaded = value; break;
    case 'actconn': rec.actconn = value; break;
    case 'feconn': rec.feconn = value; break;
    case 'beconn': rec.beconn = value; break;
    case 'srvconn': rec.srvconn = value; break;
    case 'retries': rec.retries = value; if (plus) rec.redispatched = true; break;
    case 'srvQueue': rec.srvQueue = value; break;
    case 'backendQueue': rec.backendQueue = value; break;
    case 'acceptMs':
      if (!Number.isNaN(rec.localMs) && rec.localMs % 1000 === 0) rec.localMs += value;
      if (!Number.isNaN(rec.utcMs) && rec.utcMs % 1000 === 0) rec.utcMs += value;
      break;
    case 'extra':
      if (!Number.isNaN(value)) (rec.extras ??= {})[node.name] = String(n);
      break;
    default:
      break;
  }
}

const SPACE = 32;
const QUOTE = 34;

/**
 * What a scan needs to know after each field: the literal right after it (or null when another field or the end
 * follows), and for a separator followed by literal text (` upg=`) the whole text to look for after a spaced value.
 */
export function scanPlan(nodes: readonly FormatNode[]): { nextLiteral: (LiteralNode | null)[]; lookahead: string[] } {
  return {
    nextLiteral: nodes.map((_, i) => {
      const next = nodes[i + 1];
      return next?.type === 'literal' ? next : null;
    }),
    lookahead: nodes.map((_, i) => {
      const next = nodes[i + 1];
      const after = nodes[i + 2];
      if (next?.type !== 'literal') return '';
      if (next.separator && after?.type === 'literal') return ' ' + after.text;
      return next.text;
    }),
  };
}

/** Compiles `logFormat` (as written after `log-format`, config quoting already removed) into a parser. */
/** `captures`: the header names of the proxy's capture slots, so `%[capture.req.hdr(0)]` is known as `Upgrade`. */
export function compileLogFormat(name: string, logFormat: string, captures?: CaptureSlots): CompiledFormat {
  const nodes = tokenizeLogFormat(logFormat, captures);
  const count = nodes.length;
  const extraColumns = nodes.flatMap((n) => (n.type === 'field' && n.target === 'extra' ? [n.name] : []));

  const { nextLiteral, lookahead } = scanPlan(nodes);

  const fail = (node: FieldNode | LiteralNode, at: number, what: string): string =>
    `${name}: ${node.type === 'field' ? node.token : `"${node.text}"`} ${what} at column ${at + 1}`;
  // A line that ends after a good third of the fields matched was cut by its sender; before that it is
  // simply not of this format.
  const endsEarly = (i: number, node: FieldNode | LiteralNode, at: number): string =>
    i > count / 3 ? `${name}: line ends early (truncated?) at column ${at + 1}` : fail(node, at, 'missing: the line ends');

  function parse(line: string, start: number, rec: SessionRecord): string | null {
    // Spaces or tabs after the last field were added on the way (a relay, a file edited by hand): not a field.
    let len = line.length;
    while (len > start && (line.charCodeAt(len - 1) === SPACE || line.charCodeAt(len - 1) === 9)) len--;
    let pos = start;
    let lastWroteNothing = false;
    for (let i = 0; i < count; i++) {
      const node = nodes[i]!;
      if (node.type === 'literal') {
        if (node.separator) {
          if (line.charCodeAt(pos) === SPACE) {
            pos++;
            continue;
          } else if (!lastWroteNothing) {
            return pos >= len ? endsEarly(i, node, pos) : fail(node, pos, 'expected a space');
          }
        } else if (line.startsWith(node.text, pos)) {
          pos += node.text.length;
        } else {
          return pos >= len ? endsEarly(i, node, pos) : fail(node, pos, 'expected');
        }
        lastWroteNothing = false;
        continue;
      }

      lastWroteNothing = false;
      const isLast = i === count - 1;
      const lit = nextLiteral[i] ?? null;
      switch (node.kind) {
        case ValueKind.dateMs: {
          const ms = parseHaproxyDate(line, pos);
          if (Number.isNaN(ms) || line.charCodeAt(pos + 20) !== 46 /* . */) return fail(node, pos, 'is not a date like 06/Feb/2009:12:14:14.655');
          const frac = digits(line, pos + 21, 3);
          if (frac < 0) return fail(node, pos, 'has no milliseconds');
          rec.localMs = ms + frac;
          pos += 24;
          continue;
        }
        case ValueKind.dateOffset: {
          const ms = parseHaproxyDate(line, pos);
          const sign = line.charCodeAt(pos + 21);
          const zone = digits(line, pos + 22, 4);
          if (Number.isNaN(ms) || line.charCodeAt(pos + 20) !== SPACE || (sign !== 43 && sign !== 45) || zone < 0) {
            return fail(node, pos, 'is not a date like 06/Feb/2009:12:14:14 +0100');
          }
          const offsetMs = (Math.floor(zone / 100) * 60 + (zone % 100)) * 60_000;
          rec.utcMs = sign === 43 ? ms - offsetMs : ms + offsetMs;
          pos += 26;
          continue;
        }
        case ValueKind.captureBlock: {
          if (line.charCodeAt(pos) !== 123 /* { */) {
            // No capture configured: HAProxy writes nothing, not even the separator (section 8.8).
            lastWroteNothing = true;
            continue;
          }
          const close = line.indexOf('}', pos + 1);
          if (close < 0) return fail(node, pos, 'capture block is not closed');
          assignText(rec, node, line.slice(pos + 1, close));
          pos = close + 1;
          continue;
        }
        case ValueKind.captureList: {
          // CLF style `"a" "b"`: one token per captured header, the count comes from the configuration.
          const rest = nodes.slice(i + 1).every((n) => n.type === 'literal' ? n.separator : n.kind === ValueKind.captureList);
          if (!rest || pos >= len) {
            lastWroteNothing = true;
            continue;
          }
          // HAProxy keeps the separator before an empty %hsl, so such lines end with a space.
          const list = line.slice(pos).trimEnd();
          const items = node.quoted || list.startsWith('"') ? list.slice(1, -1).split('" "') : list.split(' ');
          assignText(rec, node, items.join('|'));
          pos = len;
          lastWroteNothing = true;
          continue;
        }
        case ValueKind.request: {
          let end: number;
          let valueStart = pos;
          let valueEnd: number;
          if (line.charCodeAt(pos) === QUOTE) {
            valueStart = pos + 1;
            // HAProxy encodes '"' inside the request as #22 (section 8.6), so the next quote closes it.
            // HAProxy writes '"' inside the request as #22 (section 8.6); a forged or relayed line may not, so the
            // last field closes at the line's last quote, and text after it means another format.
            let close = line.indexOf('"', valueStart);
            if (isLast && close >= 0 && close !== len - 1) {
              if (line.charCodeAt(len - 1) !== QUOTE) return `${name}: unexpected text after the request at column ${close + 2}`;
              close = len - 1;
            }
            if (close < 0) {
              // The sender cut the line (syslog/HAProxy `len`, 1024 bytes by default) inside the request.
              splitRequest(rec, line.slice(valueStart));
              rec.truncated = true;
              return null;
            }
            valueEnd = close;
            end = close + 1;
          } else {
            const version = line.indexOf(' HTTP/', pos);
            const stop = lit && !lit.separator ? line.indexOf(lit.text, pos) : -1;
            if (isLast) valueEnd = len;
            else if (version >= 0 && (stop < 0 || version < stop)) {
              const after = line.indexOf(' ', version + 6);
              valueEnd = after < 0 ? len : after;
            } else {
              const space = line.indexOf(' ', pos);
              valueEnd = space < 0 ? len : space;
            }
            end = valueEnd;
          }
          splitRequest(rec, line.slice(valueStart, valueEnd));
          pos = end;
          continue;
        }
        default:
          break;
      }

      // Tokens: text, number, ip, epoch seconds.
      let valueStart = pos;
      let valueEnd: number;
      let end: number;
      if (node.quoted && line.charCodeAt(pos) === QUOTE) {
        valueStart = pos + 1;
        let close = line.indexOf('"', valueStart);
        const want = lookahead[i]!;
        while (close >= 0 && !isLast && want && !line.startsWith(want, close + 1)) close = line.indexOf('"', close + 1);
        if (close < 0) return fail(node, pos, 'quoted value is not closed');
        valueEnd = close;
        end = close + 1;
      } else if (isLast) {
        valueEnd = len;
        end = len;
      } else if (lit === null) {
        const space = line.indexOf(' ', pos);
        valueEnd = space < 0 ? len : space;
        end = valueEnd;
      } else if (lit.separator) {
        const want = lookahead[i]!;
        // A value followed by ` text=` may itself hold spaces (e.g. `Connection: keep-alive, Upgrade`).
        const stop = want.length > 1 && node.kind === ValueKind.text ? line.indexOf(want, pos) : line.indexOf(' ', pos);
        valueEnd = stop < 0 ? len : stop;
        end = valueEnd;
      } else {
        const space = line.indexOf(' ', pos);
        const tokenEnd = space < 0 ? len : space;
        // IPv6 addresses contain ':', so `%ci:%cp` splits at the last ':' of the token.
        const at = node.kind === ValueKind.ip ? line.lastIndexOf(lit.text, tokenEnd - 1) : line.indexOf(lit.text, pos);
        if (at < pos || at >= tokenEnd + (lit.text.charCodeAt(0) === SPACE ? 1 : 0)) {
          return at < 0 && tokenEnd === len ? endsEarly(i, node, pos) : fail(node, pos, `is not followed by "${lit.text}"`);
        }
        valueEnd = at;
        end = at;
      }

      if (node.kind === ValueKind.number) {
        const first = line.charCodeAt(valueStart);
        const n = parseNumber(line, valueStart, valueEnd, node.hex);
        if (Number.isNaN(n)) return fail(node, valueStart, 'is not a number');
        assignNumber(rec, node, n, first === 43);
      } else if (node.kind === ValueKind.epochSeconds) {
        const n = parseNumber(line, valueStart, valueEnd, node.hex);
        if (Number.isNaN(n) || n < 0) return fail(node, valueStart, 'is not a timestamp');
        rec.utcMs = n * 1000;
      } else {
        if (valueEnd === valueStart && !node.quoted) return fail(node, valueStart, 'is empty');
        assignText(rec, node, line.slice(valueStart, valueEnd));
      }
      pos = end;
    }
    if (pos < len) return `${name}: unexpected text after the last field at column ${pos + 1}`;
    return null;
  }

  return { name, logFormat, nodes, extraColumns, parse };
}
