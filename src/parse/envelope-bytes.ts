/**
 * The fast path's envelope: envelope.ts's rules for the common cases (a syslog file line `Nov  2 14:03:12 lb1
 * haproxy[1234]: `, with or without `<PRI>`, and a bare message or `haproxy[pid]: ` tag), over an ASCII line's bytes.
 * Anything else (RFC 5424, ISO-8601 stamps) returns null and envelope.ts reads the line as a string.
 */
import { digits, Interner, MONTHS } from './byte-format.js';
import type { Envelope } from './envelope.js';


function isTagChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 47 || c === 45;
}

/** Hosts and programs repeat on every line of a file. */
const names = new Interner(16);
const text = (line: Buffer, start: number, end: number): string => names.get(line, start, end);

function tag(line: Buffer, at: number): { program: string; pid: number; end: number } | null {
  let k = at;
  while (k < line.length && isTagChar(line[k]!)) k++;
  if (k === at || k - at > 64) return null;
  let pid = Number.NaN;
  const programEnd = k;
  if (line[k] === 91) {
    const close = line.indexOf(93, k);
    if (close < 0 || close - k > 12) return null;
    const p = digits(line, k + 1, close - k - 1);
    if (p < 0) return null;
    pid = p;
    k = close + 1;
  }
  if (line[k] !== 58) return null;
  k++;
  if (line[k] === 32) k++;
  else if (k < line.length) return null;
  return { program: text(line, at, programEnd), pid, end: k };
}

function hostAndTag(line: Buffer, at: number, env: Envelope): void {
  const t = tag(line, at);
  if (t) {
    env.program = t.program;
    env.pid = t.pid;
    env.messageStart = t.end;
    return;
  }
  const space = line.indexOf(32, at);
  const hostEnd = space < 0 ? line.length : space;
  const t2 = hostEnd < line.length ? tag(line, hostEnd + 1) : null;
  if (t2) {
    env.host = text(line, at, hostEnd);
    env.program = t2.program;
    env.pid = t2.pid;
    env.messageStart = t2.end;
    return;
  }
  env.messageStart = at;
}

/** The envelope of an ASCII line, or null when envelope.ts must read it. */
export function envelopeOfBytes(line: Buffer): Envelope | null {
  const env: Envelope = {
    messageStart: 0, utcMs: Number.NaN, localMs: Number.NaN, yearless: false, month: -1, day: 0, timeOfDayMs: 0,
    host: null, program: null, pid: Number.NaN,
  };
  let at = 0;
  if (line[0] === 60) {
    const close = line.indexOf(62, 1);
    if (close > 1 && close <= 4 && digits(line, 1, close - 1) >= 0) at = close + 1;
  }
  // RFC 5424 and ISO-8601 stamps: the string path.
  if (line[at] === 49 && line[at + 1] === 32) return null;
  const c = line[at] ?? 0;
  if (c >= 48 && c <= 57 && line[at + 4] === 45) return null;
  const month = line.length >= at + 3 ? MONTHS[line.toString('latin1', at, at + 3)] : undefined;
  if (month !== undefined && line[at + 3] === 32) {
    const d1 = line[at + 4];
    const day = d1 === 32 ? digits(line, at + 5, 1) : digits(line, at + 4, 2);
    const h = digits(line, at + 7, 2);
    const m = digits(line, at + 10, 2);
    const s = digits(line, at + 13, 2);
    if (day >= 1 && day <= 31 && line[at + 6] === 32 && h >= 0 && h <= 23 && m >= 0 && m <= 59 && s >= 0 && s <= 60 && line[at + 9] === 58 && line[at + 12] === 58) {
      let end = at + 15;
      let ms = 0;
      if (line[end] === 46) {
        let k = end + 1;
        while (k < line.length && line[k]! >= 48 && line[k]! <= 57) k++;
        const frac = line.toString('latin1', end + 1, k);
        ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
        end = k;
      }
      env.yearless = true;
      env.month = month;
      env.day = day;
      env.timeOfDayMs = ((h * 60 + m) * 60 + s) * 1000 + ms;
      if (line[end] === 32) hostAndTag(line, end + 1, env);
      else env.messageStart = end;
      return env;
    }
  }
  const t = tag(line, at);
  if (t) {
    env.program = t.program;
    env.pid = t.pid;
    env.messageStart = t.end;
  } else env.messageStart = at;
  return env;
}
