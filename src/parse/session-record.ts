/**
 * One parsed HAProxy session (a connection in TCP mode, a request in HTTP mode).
 *
 * The parser fills one reusable instance per line (no allocation on the hot path); `snapshot()` copies it
 * into a plain object for tests and callers that keep records. Absent numbers are NaN (HAProxy's `-1`
 * "never happened" timers and counters included, section 8.4), absent strings are null.
 */
export class SessionRecord {
  /** Name of the format that parsed the line (httplog, tcplog, clf, httpslog, or a custom format name). */
  format = '';
  /** Accept/request date as wall-clock time read as if it were UTC; converted with the time zone later. */
  localMs = NaN;
  /** Absolute UTC time when the format carries an offset (%T, %trg, %Ts); wins over localMs. */
  utcMs = NaN;
  clientIp: string | null = null;
  clientPort = NaN;
  frontend: string | null = null;
  /** `~` suffix on %ft: the frontend connection was SSL/TLS. */
  ssl = false;
  bindName: string | null = null;
  backend: string | null = null;
  server: string | null = null;
  /** Timers in ms: TR (request), Tw (queue), Tc (connect), Tr (response), Ta (active), Tt (total). */
  timeRequest = NaN;
  timeQueue = NaN;
  timeConnect = NaN;
  timeResponse = NaN;
  timeActive = NaN;
  timeTotal = NaN;
  timeHandshake = NaN;
  timeIdle = NaN;
  /** `+` before Tt/Ta/B: logged early by `option logasap`, the value is a lower bound. */
  logasap = false;
  status = NaN;
  bytesRead = NaN;
  bytesUploaded = NaN;
  requestCookie: string | null = null;
  responseCookie: string | null = null;
  termination: string | null = null;
  actconn = NaN;
  feconn = NaN;
  beconn = NaN;
  srvconn = NaN;
  retries = NaN;
  /** `+` before the retries count: the session was redispatched to another server (section 8.2.3). */
  redispatched = false;
  srvQueue = NaN;
  backendQueue = NaN;
  /** Content of the `{…}` capture blocks, without braces. */
  requestHeaders: string | null = null;
  responseHeaders: string | null = null;
  request: string | null = null;
  method: string | null = null;
  uri: string | null = null;
  httpVersion: string | null = null;
  /** The request line lost its closing quote: the sender cut the line (syslog/HAProxy `len`, 1024 by default). */
  truncated = false;
  /** Upgrade / Connection request header values, from captures or custom fields. */
  upgrade: string | null = null;
  connection: string | null = null;
  uniqueId: string | null = null;
  sslVersion: string | null = null;
  sslCipher: string | null = null;
  sni: string | null = null;
  alpn: string | null = null;
  backendError: string | null = null;
  /** Custom-format sample expressions and variables that have no dedicated column. */
  extras: Record<string, string> | null = null;

  reset(): void {
    this.format = '';
    this.localMs = NaN;
    this.utcMs = NaN;
    this.clientIp = null;
    this.clientPort = NaN;
    this.frontend = null;
    this.ssl = false;
    this.bindName = null;
    this.backend = null;
    this.server = null;
    this.timeRequest = NaN;
    this.timeQueue = NaN;
    this.timeConnect = NaN;
    this.timeResponse = NaN;
    this.timeActive = NaN;
    this.timeTotal = NaN;
    this.timeHandshake = NaN;
    this.timeIdle = NaN;
    this.logasap = false;
    this.status = NaN;
    this.bytesRead = NaN;
    this.bytesUploaded = NaN;
    this.requestCookie = null;
    this.responseCookie = null;
    this.termination = null;
    this.actconn = NaN;
    this.feconn = NaN;
    this.beconn = NaN;
    this.srvconn = NaN;
    this.retries = NaN;
    this.redispatched = false;
    this.srvQueue = NaN;
    this.backendQueue = NaN;
    this.requestHeaders = null;
    this.responseHeaders = null;
    this.request = null;
    this.method = null;
    this.uri = null;
    this.httpVersion = null;
    this.truncated = false;
    this.upgrade = null;
    this.connection = null;
    this.uniqueId = null;
    this.sslVersion = null;
    this.sslCipher = null;
    this.sni = null;
    this.alpn = null;
    this.backendError = null;
    this.extras = null;
  }

  /** A plain copy, for tests and for callers that keep records. */
  snapshot(): SessionSnapshot {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(this)) copy[key] = (this as unknown as Record<string, unknown>)[key];
    if (this.extras) copy['extras'] = { ...this.extras };
    return copy as SessionSnapshot;
  }
}

export type SessionSnapshot = { readonly [K in keyof SessionRecord as SessionRecord[K] extends Function ? never : K]: SessionRecord[K] };
