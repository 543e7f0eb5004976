/**
 * Whatever stands before HAProxy's message: syslog file lines (`Nov  2 14:03:12 lb1 haproxy[1234]: `),
 * RFC 3164 with `<PRI>`, RFC 5424 (`<134>1 2026-11-22T03:37:05.529862+00:00 host haproxy 10833 - - `),
 * ISO-8601-prefixed lines (rsyslog high precision, `journalctl -o short-iso`), HAProxy's own `timed`,
 * `iso`, `short` and `raw` log formats, and bare messages. Pure; never throws; no regex on the line.
 */

export interface Envelope {
  /** Index in the line where HAProxy's message starts. */
  messageStart: number;
  /** Absolute time (UTC ms) when the envelope carries a full date with an offset, else NaN. */
  utcMs: number;
  /** Wall-clock time read as UTC when the envelope has a full date but no offset; NaN when year-less. */
  localMs: number;
  /** The envelope's date had no year (RFC 3164): see month/day/timeOfDayMs. */
  yearless: boolean;
  /** Month (0-11), day and time of day (ms) of a year-less date, for the year chosen from context. */
  month: number;
  day: number;
  timeOfDayMs: number;
  host: string | null;
  program: string | null;
  pid: number;
}

const MONTH_INDEX: Readonly<Record<string, number>> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

function num(line: string, at: number, count: number): number {
  let n = 0;
  for (let i = 0; i < count; i++) {
    const c = line.charCodeAt(at + i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** `Nov  2 14:03:12` / `Nov 02 14:03:12` at `at`: wall-clock ms in 1970 plus month, or null. */
function parseBsdDate(line: string, at: number): { month: number; day: number; timeOfDayMs: number; end: number } | null {
  const month = MONTH_INDEX[line.substr(at, 3)];
  if (month === undefined || line.charCodeAt(at + 3) !== 32) return null;
  // The day is space-padded in RFC 3164 (`Nov  2`); some senders zero-pad it (`Nov 02`).
  const d1 = line.charCodeAt(at + 4);
  const day = d1 === 32 ? num(line, at + 5, 1) : num(line, at + 4, 2);
  if (day < 1 || day > 31 || line.charCodeAt(at + 6) !== 32) return null;
  const h = num(line, at + 7, 2);
  const m = num(line, at + 10, 2);
  const s = num(line, at + 13, 2);
  if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 60) return null;
  if (line.charCodeAt(at + 9) !== 58 || line.charCodeAt(at + 12) !== 58) return null;
  let end = at + 15;
  let ms = 0;
  // rsyslog can add fractions to BSD stamps.
  if (line.charCodeAt(end) === 46) {
    let k = end + 1;
    let frac = '';
    while (k < line.length && line.charCodeAt(k) >= 48 && line.charCodeAt(k) <= 57) frac += line[k++];
    ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
    end = k;
  }
  return { month, day, timeOfDayMs: ((h * 60 + m) * 60 + s) * 1000 + ms, end };
}

/** `2026-11-22T03:37:05.529862+00:00`, `2026-11-22T03:37:05+0000`, `…Z` or without offset. */
export function parseIsoDate(line: string, at: number): { utcMs: number; localMs: number; end: number } | null {
  const y = num(line, at, 4);
  const mo = num(line, at + 5, 2);
  const d = num(line, at + 8, 2);
  const h = num(line, at + 11, 2);
  const mi = num(line, at + 14, 2);
  const s = num(line, at + 17, 2);
  const sep = line.charCodeAt(at + 10);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) return null;
  if (line.charCodeAt(at + 4) !== 45 || line.charCodeAt(at + 7) !== 45 || (sep !== 84 && sep !== 32) || line.charCodeAt(at + 13) !== 58 || line.charCodeAt(at + 16) !== 58) return null;
  let k = at + 19;
  let ms = 0;
  if (line.charCodeAt(k) === 46 || line.charCodeAt(k) === 44) {
    let frac = '';
    k++;
    while (k < line.length && line.charCodeAt(k) >= 48 && line.charCodeAt(k) <= 57 && frac.length < 9) frac += line[k++];
    while (k < line.length && line.charCodeAt(k) >= 48 && line.charCodeAt(k) <= 57) k++;
    ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  }
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const z = line.charCodeAt(k);
  if (z === 90 /* Z */) return { utcMs: wall, localMs: wall, end: k + 1 };
  if (z === 43 || z === 45) {
    const oh = num(line, k + 1, 2);
    const colon = line.charCodeAt(k + 3) === 58;
    const om = num(line, k + (colon ? 4 : 3), 2);
    if (oh < 0 || om < 0) return null;
    const offset = (oh * 60 + om) * 60_000;
    return { utcMs: z === 43 ? wall - offset : wall + offset, localMs: wall, end: k + (colon ? 6 : 5) };
  }
  return { utcMs: Number.NaN, localMs: wall, end: k };
}

function isTagChar(c: number): boolean {
  // [A-Za-z0-9_./-]
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 47 || c === 45;
}

/** `haproxy[1234]: ` or `haproxy: ` at `at`. */
function parseTag(line: string, at: number): { program: string; pid: number; end: number } | null {
  let k = at;
  while (k < line.length && isTagChar(line.charCodeAt(k))) k++;
  if (k === at || k - at > 64) return null;
  const program = line.slice(at, k);
  let pid = Number.NaN;
  if (line.charCodeAt(k) === 91 /* [ */) {
    const close = line.indexOf(']', k);
    if (close < 0 || close - k > 12) return null;
    const p = num(line, k + 1, close - k - 1);
    if (p < 0) return null;
    pid = p;
    k = close + 1;
  }
  if (line.charCodeAt(k) !== 58 /* : */) return null;
  k++;
  if (line.charCodeAt(k) === 32) k++;
  else if (k < line.length) return null;
  return { program, pid, end: k };
}

function tokenEnd(line: string, at: number): number {
  const space = line.indexOf(' ', at);
  return space < 0 ? line.length : space;
}

function emptyEnvelope(): Envelope {
  return {
    messageStart: 0, utcMs: Number.NaN, localMs: Number.NaN, yearless: false, month: -1, day: 0, timeOfDayMs: 0,
    host: null, program: null, pid: Number.NaN,
  };
}

/** After a date: `[host] tag[pid]: ` or `host ` or nothing (HAProxy `timed` has neither). */
function parseHostAndTag(line: string, at: number, env: Envelope): void {
  const tag = parseTag(line, at);
  if (tag) {
    env.program = tag.program;
    env.pid = tag.pid;
    env.messageStart = tag.end;
    return;
  }
  const hostEnd = tokenEnd(line, at);
  const tagAfterHost = hostEnd < line.length ? parseTag(line, hostEnd + 1) : null;
  if (tagAfterHost) {
    env.host = line.slice(at, hostEnd);
    env.program = tagAfterHost.program;
    env.pid = tagAfterHost.pid;
    env.messageStart = tagAfterHost.end;
    return;
  }
  env.messageStart = at;
}

/** Splits the envelope from the message. Always succeeds: a bare line is all message. */
export function parseEnvelope(line: string): Envelope {
  const env = emptyEnvelope();
  let at = 0;
  // <PRI>
  if (line.charCodeAt(0) === 60 /* < */) {
    const close = line.indexOf('>', 1);
    if (close > 1 && close <= 4 && num(line, 1, close - 1) >= 0) at = close + 1;
  }
  // RFC 5424: VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD [SP MSG]. Some collectors
  // store it without its <PRI>: then a full date must follow the version, or it is not this envelope.
  const c0 = line.charCodeAt(at + 2);
  if (line.charCodeAt(at) === 49 /* 1 */ && line.charCodeAt(at + 1) === 32 && (at > 0 || (c0 >= 48 && c0 <= 57 && parseIsoDate(line, at + 2) !== null))) {
    let k = at + 2;
    if (line.charCodeAt(k) === 45 /* - */) k += 1;
    else {
      const iso = parseIsoDate(line, k);
      if (!iso) return env;
      env.utcMs = iso.utcMs;
      env.localMs = iso.localMs;
      k = iso.end;
    }
    const fields: string[] = [];
    for (let f = 0; f < 4; f++) {
      if (line.charCodeAt(k) !== 32) return env;
      const end = tokenEnd(line, k + 1);
      fields.push(line.slice(k + 1, end));
      k = end;
    }
    env.host = fields[0] === '-' ? null : fields[0] ?? null;
    env.program = fields[1] === '-' ? null : fields[1] ?? null;
    const pid = Number(fields[2]);
    env.pid = Number.isInteger(pid) ? pid : Number.NaN;
    // STRUCTURED-DATA: `-` or one or more `[id k="v"…]` (`]` escaped as `\]` inside values).
    if (line.charCodeAt(k) === 32) k++;
    if (line.charCodeAt(k) === 45) k++;
    else {
      while (line.charCodeAt(k) === 91) {
        let j = k + 1;
        while (j < line.length && line.charCodeAt(j) !== 93) j += line.charCodeAt(j) === 92 ? 2 : 1;
        k = j + 1;
      }
    }
    if (line.charCodeAt(k) === 32) k++;
    if (line.startsWith('\uFEFF', k)) k++;
    env.messageStart = k;
    return env;
  }
  const bsd = parseBsdDate(line, at);
  if (bsd) {
    env.yearless = true;
    env.month = bsd.month;
    env.day = bsd.day;
    env.timeOfDayMs = bsd.timeOfDayMs;
    if (line.charCodeAt(bsd.end) === 32) parseHostAndTag(line, bsd.end + 1, env);
    else env.messageStart = bsd.end;
    return env;
  }
  const c = line.charCodeAt(at);
  if (c >= 48 && c <= 57 && line.charCodeAt(at + 4) === 45) {
    const iso = parseIsoDate(line, at);
    if (iso) {
      env.utcMs = iso.utcMs;
      env.localMs = iso.localMs;
      if (line.charCodeAt(iso.end) === 32) parseHostAndTag(line, iso.end + 1, env);
      else env.messageStart = iso.end;
      return env;
    }
  }
  // Bare `haproxy[pid]: message` or the message alone (HAProxy `log stdout format raw`/`short`).
  const tag = parseTag(line, at);
  if (tag) {
    env.program = tag.program;
    env.pid = tag.pid;
    env.messageStart = tag.end;
  } else {
    env.messageStart = at;
  }
  return env;
}
