/**
 * HAProxy log-format variables (section 8.2.6 of the HAProxy 2.6 manual), as data: how each one is written
 * on the line and which SessionRecord field it fills. The compiler in log-format.ts reads this table.
 */

/** How a value is written on the line, which decides how the scanner finds its end and converts it. */
export const ValueKind = {
  /** A token without spaces (names, states). */
  text: 0,
  /** Decimal integer, HAProxy's -1 meaning "did not happen"; may carry a `+` (logasap, redispatch). */
  number: 1,
  /** IPv4, IPv6 (contains ':') or `unix`. */
  ip: 2,
  /** `06/Feb/2009:12:14:14.655` local wall-clock with milliseconds (%t, %tr). */
  dateMs: 3,
  /** `06/Feb/2009:12:14:14 +0100` with an offset (%T, %trg, %Tl, %trl): two space-separated tokens. */
  dateOffset: 4,
  /** Epoch seconds (%Ts). */
  epochSeconds: 5,
  /** `{a|b}` capture block, absent entirely when nothing is captured (%hr, %hs). */
  captureBlock: 6,
  /** The HTTP request line `METHOD URI VERSION`, may contain spaces (%r). */
  request: 7,
  /** Captured headers CLF style: one token per header (%hrl, %hsl); under +Q each is quoted. */
  captureList: 8,
  /** Only flags, no output (%o). */
  flagsOnly: 9,
} as const;
export type ValueKind = (typeof ValueKind)[keyof typeof ValueKind];

/** SessionRecord fields a variable can fill; `extra` keeps the value under the variable's name. */
export type Target =
  | 'clientIp' | 'clientPort' | 'frontendTransport' | 'frontend' | 'backend' | 'server'
  | 'timeRequest' | 'timeQueue' | 'timeConnect' | 'timeResponse' | 'timeActive' | 'timeTotal'
  | 'timeHandshake' | 'timeIdle' | 'status' | 'bytesRead' | 'bytesUploaded'
  | 'requestCookie' | 'responseCookie' | 'termination'
  | 'actconn' | 'feconn' | 'beconn' | 'srvconn' | 'retries' | 'srvQueue' | 'backendQueue'
  | 'requestHeaders' | 'responseHeaders' | 'request' | 'method' | 'uri' | 'httpVersion'
  | 'uniqueId' | 'sslVersion' | 'sslCipher' | 'acceptDate' | 'acceptMs' | 'upgrade' | 'connection'
  | 'sni' | 'alpn' | 'backendError' | 'extra' | 'none';

export interface VariableSpec {
  readonly kind: ValueKind;
  readonly target: Target;
}

const v = (kind: ValueKind, target: Target): VariableSpec => ({ kind, target });
const { text, number, ip, dateMs, dateOffset, epochSeconds, captureBlock, request, captureList, flagsOnly } = ValueKind;

export const LOG_FORMAT_VARIABLES: Readonly<Record<string, VariableSpec>> = {
  o: v(flagsOnly, 'none'),
  B: v(number, 'bytesRead'),
  CC: v(text, 'requestCookie'),
  CS: v(text, 'responseCookie'),
  H: v(text, 'extra'),
  HM: v(text, 'method'),
  HP: v(text, 'uri'),
  HPO: v(text, 'extra'),
  HQ: v(text, 'extra'),
  HU: v(text, 'uri'),
  HV: v(text, 'httpVersion'),
  ID: v(text, 'uniqueId'),
  ST: v(number, 'status'),
  T: v(dateOffset, 'acceptDate'),
  Ta: v(number, 'timeActive'),
  Tc: v(number, 'timeConnect'),
  Td: v(number, 'extra'),
  Tl: v(dateOffset, 'acceptDate'),
  Th: v(number, 'timeHandshake'),
  Ti: v(number, 'timeIdle'),
  Tq: v(number, 'extra'),
  TR: v(number, 'timeRequest'),
  Tr: v(number, 'timeResponse'),
  Ts: v(epochSeconds, 'acceptDate'),
  Tt: v(number, 'timeTotal'),
  Tu: v(number, 'extra'),
  Tw: v(number, 'timeQueue'),
  U: v(number, 'bytesUploaded'),
  ac: v(number, 'actconn'),
  b: v(text, 'backend'),
  bc: v(number, 'beconn'),
  bi: v(ip, 'extra'),
  bp: v(number, 'extra'),
  bq: v(number, 'backendQueue'),
  ci: v(ip, 'clientIp'),
  cp: v(number, 'clientPort'),
  f: v(text, 'frontend'),
  fc: v(number, 'feconn'),
  fi: v(ip, 'extra'),
  fp: v(number, 'extra'),
  ft: v(text, 'frontendTransport'),
  lc: v(number, 'extra'),
  hr: v(captureBlock, 'requestHeaders'),
  hrl: v(captureList, 'requestHeaders'),
  hs: v(captureBlock, 'responseHeaders'),
  hsl: v(captureList, 'responseHeaders'),
  ms: v(number, 'acceptMs'),
  pid: v(number, 'extra'),
  r: v(request, 'request'),
  rc: v(number, 'retries'),
  rt: v(number, 'extra'),
  s: v(text, 'server'),
  sc: v(number, 'srvconn'),
  si: v(ip, 'extra'),
  sp: v(number, 'extra'),
  sq: v(number, 'srvQueue'),
  sslc: v(text, 'sslCipher'),
  sslv: v(text, 'sslVersion'),
  t: v(dateMs, 'acceptDate'),
  tr: v(dateMs, 'acceptDate'),
  trg: v(dateOffset, 'acceptDate'),
  trl: v(dateOffset, 'acceptDate'),
  ts: v(text, 'termination'),
  tsc: v(text, 'termination'),
};

/** Header names of a proxy's capture slots, in declaration order (`capture request header Upgrade len 32`). */
export interface CaptureSlots {
  readonly request: readonly string[];
  readonly response: readonly string[];
}

/** `capture.req.hdr(0)` → `req.hdr(Upgrade)` when the configuration says what slot 0 captures. */
function resolveCapture(fetch: string, captures?: CaptureSlots): string {
  const m = /^capture\.(req|res)\.hdr\((\d+)\)$/i.exec(fetch);
  if (!m || !captures) return fetch;
  const header = (m[1]!.toLowerCase() === 'req' ? captures.request : captures.response)[Number(m[2])];
  return header ? `${m[1]!.toLowerCase()}.hdr(${header})` : fetch;
}

/**
 * Sample expressions `%[…]` whose value has a meaning of its own. Matched on the fetch (and its first
 * argument); the converters after a comma do not change the meaning. Variables (`var(txn.upg)`) are
 * matched by name: operators usually fill them from `req.hdr(Upgrade)` with `http-request set-var`,
 * because HAProxy 2.6 refuses `%[req.hdr(…)]` inside a log-format.
 */
export function sampleTarget(expr: string, captures?: CaptureSlots): Target {
  const fetch = resolveCapture((expr.split(',')[0] ?? '').trim(), captures).toLowerCase();
  if (/^(req\.hdr|req\.fhdr|hdr)\(upgrade\)$/.test(fetch)) return 'upgrade';
  if (/^(req\.hdr|req\.fhdr|hdr)\(connection\)$/.test(fetch)) return 'connection';
  if (/^res\.hdr\(/.test(fetch)) return 'extra';
  if (/^var\([a-z]+\.(upg|upgrade|req_upgrade|hdr_upgrade)\)$/.test(fetch)) return 'upgrade';
  if (/^var\([a-z]+\.(conn|connection|req_connection|hdr_connection)\)$/.test(fetch)) return 'connection';
  if (fetch === 'ssl_fc_sni') return 'sni';
  if (fetch === 'ssl_fc_alpn') return 'alpn';
  if (fetch === 'bc_err_str' || fetch === 'fc_err_str') return 'backendError';
  if (fetch === 'unique-id' || fetch === 'unique_id') return 'uniqueId';
  return 'extra';
}

/** A short column name for a sample expression: `var(txn.upg)` → `upg`, `ssl_fc_alpn` → `ssl_fc_alpn`. */
export function sampleName(expr: string, captures?: CaptureSlots): string {
  const fetch = resolveCapture((expr.split(',')[0] ?? '').trim(), captures);
  const slot = /^capture\.(req|res)\.hdr\((\d+)\)$/i.exec(fetch);
  if (slot) return `capture_${slot[1]!.toLowerCase()}_hdr_${slot[2]}`;
  const variable = /^var\(\s*[a-z]+\.([A-Za-z0-9_.]+)\s*\)$/i.exec(fetch);
  if (variable?.[1]) return variable[1];
  const header = /^(?:req|res)?\.?f?hdr\(\s*([^),]+)/i.exec(fetch);
  if (header?.[1]) return header[1].toLowerCase().replace(/[^a-z0-9]+/g, '_');
  return fetch.replace(/\(.*$/, '').replace(/[^A-Za-z0-9_]+/g, '_').toLowerCase();
}
