/**
 * Field-by-field check of the store against the committed samples (logs real HAProxy 2.6 wrote, see
 * test/e2e/lab). For every client connection of every sample with a .truth.json, the `sessions` row
 * (joined on client_port) must carry exactly what HAProxy wrote on that connection's line.
 *
 * The expected values come from an oracle that does NOT use wsdiag's parser: one explicit regular
 * expression with named groups per log format, written for the exact format string the sample's .cfg
 * uses (the format is recognised from the .cfg, and an unknown custom format fails the test), plus
 * what the lab knows (client port, backend, request sent). HAProxy's `-1` ("never happened") must be
 * NULL in the store, and columns a format does not carry must be NULL too.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampleRecord } from './lab/make-samples.js';
import type { Database, Row, SqlValue } from '../../src/store/database.js';
import { loadLog } from './truth.js';

const SAMPLES = fileURLToPath(new URL('../../samples/', import.meta.url));
const samples = readdirSync(SAMPLES)
  .filter((f) => f.endsWith('.log') && existsSync(`${SAMPLES}${f.replace(/\.log$/, '.truth.json')}`))
  .map((f) => f.replace(/\.log$/, ''))
  .sort();

// ------------------------------------------------------------------ oracle: formats

/** Exact custom log-format strings of the samples (as written between the quotes of `log-format "…"`). */
const CUSTOM = {
  custom:
    '%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %{+Q}r upg=%[var(txn.upg)] conn=%[var(txn.conn)]',
  timers:
    '%ci:%cp [%t] %ft %b/%s %Th/%Ti/%TR/%Tw/%Tc/%Tr/%Ta/%Tt %ST %B %U %ts %ac/%fc/%bc/%sc/%rc %sq/%bq %ID %HM %HU %HV fe=%fi:%fp be=%bi:%bp srv=%si:%sp pid=%pid rt=%rt lc=%lc',
  quoted: '%{+Q}o %ci %cp [%tr] %ft %b %s %ST %Ta %tsc %{-Q}r upg=%[capture.req.hdr(0)] err=%[bc_err_str]',
} as const;

type FormatKey = 'httplog' | 'httpslog' | 'clf' | 'tcplog' | keyof typeof CUSTOM;

const IP = String.raw`\d+\.\d+\.\d+\.\d+`;
const N = String.raw`-?\d+`; // a timer / status: -1 = never happened
const P = String.raw`\+?-?\d+`; // may carry logasap's or redispatch's '+'
const HTTPLOG_HEAD = String.raw`(?<ci>${IP}):(?<cp>\d+) \[(?<date>[^\]]+)\] (?<ft>\S+) (?<b>[^\s/]+)\/(?<s>\S+) (?<TR>${N})\/(?<Tw>${N})\/(?<Tc>${N})\/(?<Tr>${N})\/(?<Ta>${P}) (?<ST>${N}) (?<B>${P}) (?<CC>\S+) (?<CS>\S+) (?<tsc>\S{4}) (?<ac>\d+)\/(?<fc>\d+)\/(?<bc>\d+)\/(?<sc>\d+)\/(?<rc>${P}) (?<sq>\d+)\/(?<bq>\d+)`;
/** The request: quoted, or cut by the line length limit (no closing quote, end of line). */
const QUOTED_REQUEST = String.raw`"(?<r>[^"]*)(?<closed>"?)`;

const REGEX: Record<FormatKey, RegExp> = {
  // option httplog: `{capture block}` only on parsed requests when captures exist
  httplog: new RegExp(String.raw`^${HTTPLOG_HEAD}(?: \{(?<hr>[^}]*)\})? ${QUOTED_REQUEST}$`),
  httpslog: new RegExp(
    String.raw`^${HTTPLOG_HEAD}(?: \{(?<hr>[^}]*)\})? "(?<r>[^"]*)(?<closed>") (?<fc_err>\d+)\/(?<ssl_fc_err>[0-9A-F]+)\/(?<ssl_c_err>\d+)\/(?<ssl_c_ca_err>\d+)\/(?<ssl_fc_is_resumed>\d+) (?<sni>\S+)\/(?<sslv>\S+)\/(?<sslc>\S+)$`,
  ),
  // %{+Q}o %{-Q}ci - - [%trg] %r %ST %B "" "" %cp %ms %ft %b %s %TR %Tw %Tc %Tr %Ta %tsc %ac %fc %bc %sc %rc %sq %bq %CC %CS %hrl %hsl
  clf: new RegExp(
    String.raw`^(?<ci>${IP}) - - \[(?<dateoff>[^\]]+)\] ${QUOTED_REQUEST} (?<ST>${N}) (?<B>\d+) "" "" (?<cp>\d+) (?<ms>\d+) "(?<ft>[^"]*)" "(?<b>[^"]*)" "(?<s>[^"]*)" (?<TR>${N}) (?<Tw>${N}) (?<Tc>${N}) (?<Tr>${N}) (?<Ta>${P}) (?<tsc>\S{4}) (?<ac>\d+) (?<fc>\d+) (?<bc>\d+) (?<sc>\d+) (?<rc>${P}) (?<sq>\d+) (?<bq>\d+) "(?<CC>[^"]*)" "(?<CS>[^"]*)"(?<hrl>(?: "[^"]*")*) $`,
  ),
  tcplog: new RegExp(
    String.raw`^(?<ci>${IP}):(?<cp>\d+) \[(?<date>[^\]]+)\] (?<ft>\S+) (?<b>[^\s/]+)\/(?<s>\S+) (?<Tw>${N})\/(?<Tc>${N})\/(?<Tt>${P}) (?<B>${P}) (?<ts>\S{2}) (?<ac>\d+)\/(?<fc>\d+)\/(?<bc>\d+)\/(?<sc>\d+)\/(?<rc>${P}) (?<sq>\d+)\/(?<bq>\d+)$`,
  ),
  custom: new RegExp(
    String.raw`^(?<ci>${IP}):(?<cp>\d+) \[(?<date>[^\]]+)\] (?<ft>\S+) (?<b>[^\s/]+)\/(?<s>\S+) (?<TR>${N})\/(?<Tw>${N})\/(?<Tc>${N})\/(?<Tr>${N})\/(?<Ta>${P}) (?<ST>${N}) (?<B>${P}) (?<CC>\S+) (?<CS>\S+) (?<tsc>\S{4}) (?<ac>\d+)\/(?<fc>\d+)\/(?<bc>\d+)\/(?<sc>\d+)\/(?<rc>${P}) (?<sq>\d+)\/(?<bq>\d+) ${QUOTED_REQUEST} upg=(?<upg>\S+) conn=(?<conn>.+)$`,
  ),
  timers: new RegExp(
    String.raw`^(?<ci>${IP}):(?<cp>\d+) \[(?<date>[^\]]+)\] (?<ft>\S+) (?<b>[^\s/]+)\/(?<s>\S+) (?<Th>${N})\/(?<Ti>${N})\/(?<TR>${N})\/(?<Tw>${N})\/(?<Tc>${N})\/(?<Tr>${N})\/(?<Ta>${P})\/(?<Tt>${P}) (?<ST>${N}) (?<B>${P}) (?<U>\d+) (?<ts>\S{2}) (?<ac>\d+)\/(?<fc>\d+)\/(?<bc>\d+)\/(?<sc>\d+)\/(?<rc>${P}) (?<sq>\d+)\/(?<bq>\d+) (?<ID>\S+) (?<HM>\S+) (?<HU>\S+) (?<HV>\S+) fe=(?<fi>[^:\s]+):(?<fp>\S+) be=(?<bi>[^:\s]+):(?<bp>\S+) srv=(?<si>[^:\s]+):(?<sp>\S+) pid=(?<pid>\d+) rt=(?<rt>\d+) lc=(?<lc>\d+)$`,
  ),
  quoted: new RegExp(
    String.raw`^"(?<ci>${IP})" (?<cp>\d+) \[(?<date>[^\]]+)\] "(?<ft>[^"]*)" "(?<b>[^"]*)" "(?<s>[^"]*)" (?<ST>${N}) (?<Ta>${P}) (?<tsc>\S{4}) (?<r>.*?) upg="(?<capture0>[^"]*)" err="(?<err>[^"]*)"$`,
  ),
};

/** Every column this test knows how to check; those a format does not fill must be NULL. */
const COLUMNS = [
  'client_ip', 'client_port', 'frontend', 'ssl', 'backend', 'server',
  't_request_ms', 't_queue_ms', 't_connect_ms', 't_response_ms', 't_active_ms', 't_total_ms',
  'status', 'bytes_read', 'termination', 'actconn', 'feconn', 'beconn', 'srv_conn', 'retries', 'redispatched',
  'srv_queue', 'backend_queue', 'method', 'uri', 'http_version', 'upgrade_header', 'connection_header',
  'request_cookie', 'response_cookie', 'request_headers', 'response_headers', 'logasap', 'truncated',
] as const;
type Column = (typeof COLUMNS)[number];
const BOOLEAN_COLUMNS = new Set<Column>(['ssl', 'redispatched', 'logasap', 'truncated']);

interface Cfg {
  format: FormatKey;
  envelope: string;
  /** Per frontend: `capture request header X` in declaration order (the slots of %hr / %hrl / capture.req.hdr(N)). */
  requestCaptures: Map<string, string[]>;
}

function readCfg(text: string): Cfg {
  const envelope = /^\s*log stdout(?: len \d+)? format (\S+)/m.exec(text)?.[1] ?? 'raw';
  const requestCaptures = new Map<string, string[]>();
  for (const section of text.split(/^(?=\S)/m)) {
    const fe = /^frontend (\S+)/.exec(section)?.[1];
    if (fe) requestCaptures.set(fe, [...section.matchAll(/^\s*capture request header (\S+) len \d+/gm)].map((m) => m[1]!.toLowerCase()));
  }
  const lf = /^\s*log-format "(.*)"\s*$/m.exec(text)?.[1];
  let format: FormatKey;
  if (lf !== undefined) {
    const key = (Object.keys(CUSTOM) as (keyof typeof CUSTOM)[]).find((k) => CUSTOM[k] === lf);
    if (!key) throw new Error(`no oracle for log-format "${lf}"`);
    format = key;
  } else if (/^\s*option httplog clf/m.test(text)) format = 'clf';
  else if (/^\s*option httpslog/m.test(text)) format = 'httpslog';
  else if (/^\s*option httplog/m.test(text)) format = 'httplog';
  else if (/^\s*option tcplog/m.test(text)) format = 'tcplog';
  else throw new Error('no log format in the configuration');
  return { format, envelope, requestCaptures };
}

/** Strips the syslog envelope `log stdout format X` puts in front; returns the message and the envelope's pid. */
function stripEnvelope(line: string, envelope: string): { message: string; pid: number | null } {
  const re: Record<string, RegExp> = {
    raw: /^/,
    rfc5424: /^<\d+>1 \S+ \S+ \S+ (?<pid>\d+|-) \S+ \S+ /,
    rfc3164: /^<\d+>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ haproxy\[(?<pid>\d+)\]: /,
    local: /^<\d+>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d haproxy\[(?<pid>\d+)\]: /,
    iso: /^\d{4}-\d\d-\d\dT\S+ /,
    timed: /^<\d>\d{4}-\d\d-\d\dT\S+ /,
    short: /^<\d>/,
    priority: /^<\d+>/,
  };
  const m = re[envelope]?.exec(line);
  if (!m) throw new Error(`line does not start with a ${envelope} envelope: ${line}`);
  const pid = m.groups?.['pid'];
  return { message: line.slice(m[0].length), pid: pid && pid !== '-' ? Number(pid) : null };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `22/Nov/2026:04:41:51.187` (local time; the lab ran with local time = UTC) → epoch ms. */
function acceptMs(date: string): number {
  const m = /^(\d\d)\/([A-Z][a-z]{2})\/(\d{4}):(\d\d):(\d\d):(\d\d)(?:\.(\d{3}))?(?: ([+-])(\d\d)(\d\d))?$/.exec(date);
  if (!m) throw new Error(`not a HAProxy date: ${date}`);
  const base = Date.UTC(Number(m[3]), MONTHS.indexOf(m[2]!), Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]), Number(m[7] ?? 0));
  const offset = m[8] ? (m[8] === '+' ? 1 : -1) * (Number(m[9]) * 60 + Number(m[10])) * 60_000 : 0;
  return base - offset;
}

/** HAProxy number: `-1` never happened → null; a leading `+` (logasap / redispatch) is not part of the value. */
const num = (s: string | undefined): number | null => (s === undefined || s === '-1' || s === '-' ? null : Number(s.replace(/^\+/, '')));
/** Text: `-` and an empty (quoted) value mean "none". */
const txt = (s: string | undefined): string | null => (s === undefined || s === '-' || s === '' ? null : s);

/** Request line `METHOD URI VERSION`; `<BADREQ>` (nothing parsed) has none of the three. */
function splitRequest(r: string): { method: string | null; uri: string | null; http_version: string | null } {
  if (r === '<BADREQ>' || !r.includes(' ')) return { method: null, uri: null, http_version: null };
  const first = r.indexOf(' ');
  const last = r.lastIndexOf(' ');
  const version = last > first ? r.slice(last + 1) : '';
  if (/^HTTP\/\d\.\d$/.test(version)) return { method: r.slice(0, first), uri: r.slice(first + 1, last), http_version: version };
  return { method: r.slice(0, first), uri: r.slice(first + 1), http_version: null };
}

interface Expectation {
  columns: Partial<Record<Column, SqlValue>>;
  extra: Record<string, string>;
  tsMs: number;
  pid: number | null;
}

/** What the store must hold for this line, from the oracle regex alone. */
function expectFromLine(line: string, cfg: Cfg): Expectation {
  const { message, pid } = stripEnvelope(line, cfg.envelope);
  const g = REGEX[cfg.format].exec(message)?.groups;
  if (!g) throw new Error(`the ${cfg.format} oracle does not match: ${message}`);
  const c: Partial<Record<Column, SqlValue>> = {};
  const extra: Record<string, string> = {};
  const set = (col: Column, v: SqlValue | undefined): void => {
    if (v !== undefined) c[col] = v;
  };
  set('client_ip', g['ci']);
  set('client_port', num(g['cp']));
  if (g['ft'] !== undefined) {
    set('frontend', g['ft'].replace(/~$/, ''));
    set('ssl', g['ft'].endsWith('~'));
  }
  set('backend', g['b']);
  set('server', g['s']);
  const timers: [string, Column][] = [['TR', 't_request_ms'], ['Tw', 't_queue_ms'], ['Tc', 't_connect_ms'], ['Tr', 't_response_ms'], ['Ta', 't_active_ms'], ['Tt', 't_total_ms']];
  for (const [k, col] of timers) if (g[k] !== undefined) set(col, num(g[k]));
  if (g['ST'] !== undefined) set('status', num(g['ST']));
  if (g['B'] !== undefined) set('bytes_read', num(g['B']));
  set('termination', g['tsc'] ?? g['ts']);
  const counters: [string, Column][] = [['ac', 'actconn'], ['fc', 'feconn'], ['bc', 'beconn'], ['sc', 'srv_conn'], ['sq', 'srv_queue'], ['bq', 'backend_queue']];
  for (const [k, col] of counters) if (g[k] !== undefined) set(col, num(g[k]));
  if (g['rc'] !== undefined) {
    set('retries', num(g['rc']));
    set('redispatched', g['rc'].startsWith('+'));
  }
  set('logasap', [g['Ta'], g['Tt'], g['B']].some((v) => v?.startsWith('+')));
  if (g['CC'] !== undefined) set('request_cookie', txt(g['CC']));
  if (g['CS'] !== undefined) set('response_cookie', txt(g['CS']));
  if (g['r'] !== undefined) {
    const r = splitRequest(g['r']);
    set('method', r.method);
    set('uri', r.uri);
    set('http_version', r.http_version);
    set('truncated', g['closed'] === '');
  } else {
    set('truncated', false);
  }
  if (g['HM'] !== undefined) {
    // %HM %HU %HV print `<BADREQ>` each when no request was parsed: the same "no request" as %r's <BADREQ>.
    const bad = (s: string): string | null => (s === '<BADREQ>' ? null : txt(s));
    set('method', bad(g['HM']));
    set('uri', bad(g['HU']!));
    set('http_version', bad(g['HV']!));
  }
  // Captured request headers: `{a|b}` (httplog) or `"a" "b"` (clf), slots in the frontend's configuration order.
  const captures = cfg.requestCaptures.get((g['ft'] ?? '').replace(/~$/, '')) ?? [];
  let captured: string[] | null = null;
  if (g['hr'] !== undefined) captured = g['hr'].split('|');
  else if (g['hrl'] !== undefined && captures.length) captured = [...g['hrl'].matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
  if (captured) {
    set('request_headers', captured.join('|'));
    captures.forEach((h, i) => {
      if (h === 'upgrade') set('upgrade_header', txt(captured![i]));
      if (h === 'connection') set('connection_header', txt(captured![i]));
    });
  }
  if (g['capture0'] !== undefined) {
    // %[capture.req.hdr(0)] is capture slot 0 (the configuration says which header that is).
    const h = captures[0];
    if (h === 'upgrade') set('upgrade_header', txt(g['capture0']));
    else if (h === 'connection') set('connection_header', txt(g['capture0']));
  }
  if (g['upg'] !== undefined) set('upgrade_header', txt(g['upg']));
  if (g['conn'] !== undefined) set('connection_header', txt(g['conn']));

  // extra: fields without a column of their own
  const put = (key: string, v: string | undefined): void => {
    if (v !== undefined && v !== '-' && v !== '-1' && v !== '') extra[key] = v;
  };
  put('t_handshake_ms', g['Th']);
  put('t_idle_ms', g['Ti']);
  put('bytes_uploaded', g['U']);
  put('unique_id', g['ID']);
  put('sni', g['sni']);
  put('ssl_version', g['sslv']);
  put('ssl_cipher', g['sslc']);
  put('backend_error', g['err']);
  for (const k of ['fi', 'fp', 'bi', 'bp', 'si', 'sp', 'pid', 'rt', 'lc', 'fc_err', 'ssl_fc_err', 'ssl_c_err', 'ssl_c_ca_err', 'ssl_fc_is_resumed']) put(k, g[k]);

  // clf: `[22/Nov/2026:04:41:44 +0000]` has no milliseconds, they are the separate %ms field
  const tsMs = g['dateoff'] !== undefined ? acceptMs(g['dateoff']) + Number(g['ms']) : acceptMs(g['date']!);
  return { columns: c, extra, tsMs, pid };
}

// ------------------------------------------------------------------ the test

interface Loaded {
  db: Database;
  cfg: Cfg;
  lines: string[];
  truth: SampleRecord[];
}

describe.each(samples)('%s', (name) => {
  const truth: SampleRecord[] = JSON.parse(readFileSync(`${SAMPLES}${name}.truth.json`, 'utf8'));
  const traffic = truth.filter((t) => t.line !== null && t.expected.errorLog === undefined);
  let loaded: Loaded | undefined;

  beforeAll(async () => {
    const cfgText = readFileSync(`${SAMPLES}${name}.cfg`, 'utf8');
    const { db } = await loadLog(`${SAMPLES}${name}.log`, cfgText, `samples/${name}.cfg`);
    const text = readFileSync(`${SAMPLES}${name}.log`, 'utf8');
    loaded = { db, cfg: readCfg(cfgText), lines: text.replace(/\n$/, '').split('\n'), truth };
  });
  afterAll(() => loaded?.db.close());

  it('has traffic lines to check', () => {
    expect(traffic.length).toBeGreaterThan(0);
  });

  it.each(traffic.map((t) => [`${t.scenario} (port ${t.clientPort}, line ${t.line})`, t] as const))('%s', async (_, t) => {
    const { db, cfg, lines } = loaded!;
    const line = lines[t.line! - 1]!;
    const want = expectFromLine(line, cfg);

    // What the lab knows, independently of the line.
    expect(want.columns['client_port'], 'the truth line carries the truth port').toBe(t.clientPort);
    expect(want.columns['backend'], 'backend routed by the lab').toBe(t.backend);
    if (t.request && !t.request.partial) {
      expect(want.columns['method'] ?? t.request.method).toBe(t.request.method);
      if (want.columns['truncated'] !== true && want.columns['uri'] !== undefined) expect(want.columns['uri']).toBe(t.request.path);
      // headers the client sent, where the format captured them
      if ('upgrade_header' in want.columns) expect(want.columns['upgrade_header']).toBe(t.request.upgrade);
      if ('connection_header' in want.columns) expect(want.columns['connection_header']).toBe(t.request.connection);
    }

    const { rows } = await db.query(
      `SELECT ${COLUMNS.join(', ')}, epoch_ms(ts) AS ts_epoch_ms, pid, extra FROM sessions WHERE client_port = $port`,
      { port: t.clientPort },
    );
    expect(rows, `one session for port ${t.clientPort}`).toHaveLength(1);
    const row = rows[0] as Row;

    const actual: Record<string, SqlValue> = {};
    const expected: Record<string, SqlValue> = {};
    for (const col of COLUMNS) {
      actual[col] = row[col] ?? null;
      // a column the format does not carry must be NULL (booleans: false)
      expected[col] = col in want.columns ? want.columns[col]! : BOOLEAN_COLUMNS.has(col) ? false : null;
    }
    actual['ts'] = row['ts_epoch_ms'] ?? null;
    expected['ts'] = want.tsMs;
    if (want.pid !== null) {
      actual['pid'] = row['pid'] ?? null;
      expected['pid'] = want.pid;
    }
    const rawExtra = row['extra'];
    const extraObj = (typeof rawExtra === 'string' ? JSON.parse(rawExtra) : rawExtra ?? {}) as Record<string, SqlValue>;
    actual['extra'] = Object.fromEntries(Object.entries(extraObj).map(([k, v]) => [k, String(v)]));
    expected['extra'] = want.extra;
    expect(actual, line).toEqual(expected);
  });
});
