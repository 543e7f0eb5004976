/**
 * Sessions as columns: a SessionRecord becomes one row of typed arrays laid out like `session_rows`, ready
 * to be copied into a DuckDB data chunk in one call per column. Pure JavaScript (no DuckDB here), so the
 * ingest worker can encode on the second core and hand the arrays over without copying them.
 */
import type { SessionRecord } from '../parse/session-record.js';
import type { NameDictionary } from './name-dictionary.js';
import { ABSENT, SESSION_COLUMNS, SessionFlag, type SessionColumn } from './schema.js';

/** Rows per batch: DuckDB's vector size, so one batch is one data chunk. */
export const SESSION_BATCH_ROWS = 2048;

const columnsOf = (type: string): SessionColumn[] => SESSION_COLUMNS.filter(([, t]) => t === type).map(([c]) => c);
export const INT_COLUMNS = columnsOf('INTEGER');
export const DOUBLE_COLUMNS = columnsOf('DOUBLE');
export const TEXT_COLUMNS = columnsOf('VARCHAR');

/** Start of `column`'s values in its block (column-major, SESSION_BATCH_ROWS per column). */
const base = (columns: readonly SessionColumn[], column: SessionColumn): number => columns.indexOf(column) * SESSION_BATCH_ROWS;
const I = Object.fromEntries(INT_COLUMNS.map((c) => [c, base(INT_COLUMNS, c)])) as Record<SessionColumn, number>;
const D = Object.fromEntries(DOUBLE_COLUMNS.map((c) => [c, base(DOUBLE_COLUMNS, c)])) as Record<SessionColumn, number>;
const TEXT = Object.fromEntries(TEXT_COLUMNS.map((c, k) => [c, k])) as Record<SessionColumn, number>;

/**
 * One text column of a batch: its values concatenated, and each value's length (-1 for null). One string
 * crosses threads as one copy, where 2048 strings were 2048 (that copy was a fifth of the worker's time).
 */
export interface EncodedText {
  readonly joined: string;
  readonly lengths: Int32Array<ArrayBuffer>;
}

/** Up to SESSION_BATCH_ROWS sessions, column by column; `texts[k]` is TEXT_COLUMNS[k]. */
export interface EncodedSessions {
  readonly rows: number;
  readonly ints: Int32Array<ArrayBuffer>;
  readonly doubles: Float64Array<ArrayBuffer>;
  readonly texts: readonly EncodedText[];
}

interface SessionColumnsInProgress {
  rows: number;
  readonly ints: Int32Array<ArrayBuffer>;
  readonly doubles: Float64Array<ArrayBuffer>;
  readonly texts: (string | null)[][];
}

function encodeText(values: readonly (string | null)[], rows: number): EncodedText {
  const lengths = new Int32Array(rows);
  for (let r = 0; r < rows; r++) lengths[r] = values[r]?.length ?? -1;
  return { joined: values.join(''), lengths };
}

/** What the envelope and the reader know of a session's line. */
export interface SessionMeta {
  /** 0 when the encoder does not know it yet (the worker): the store sets it when it appends. */
  readonly sourceId: number;
  readonly lineNo: number;
  readonly tsMs: number;
  readonly host: string | null;
  readonly pid: number;
  readonly invalidUtf8: boolean;
}

/** IPv4 dotted quad → signed 32-bit integer, or ABSENT. */
export function ipv4ToInt(ip: string | null): number {
  if (ip === null) return ABSENT;
  let value = 0;
  let part = -1;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      if (part < 0 || dots === 3) return ABSENT;
      value = value * 256 + part;
      part = -1;
      dots++;
    } else if (c >= 48 && c <= 57) {
      part = (part < 0 ? 0 : part * 10) + (c - 48);
      if (part > 255) return ABSENT;
    } else return ABSENT;
  }
  if (dots !== 3 || part < 0) return ABSENT;
  return (value * 256 + part) | 0;
}

const int = (n: number): number => (Number.isNaN(n) ? ABSENT : n > 2147483647 ? 2147483647 : Math.trunc(n));

function emptyBatch(): SessionColumnsInProgress {
  return {
    rows: 0,
    ints: new Int32Array(INT_COLUMNS.length * SESSION_BATCH_ROWS),
    doubles: new Float64Array(DOUBLE_COLUMNS.length * SESSION_BATCH_ROWS),
    texts: TEXT_COLUMNS.map(() => []),
  };
}

/** Fills batches of encoded sessions; names become ids through `names`. */
export class SessionEncoder {
  private batch = emptyBatch();
  /**
   * The last value and id of each name column: consecutive lines repeat most names, and comparing with the
   * last one is cheaper than hashing a freshly sliced string for the dictionary.
   */
  private readonly lastValue: (string | null | undefined)[] = [];
  private readonly lastId: number[] = [];

  constructor(private readonly names: NameDictionary) {}

  get rows(): number {
    return this.batch.rows;
  }

  private id(slot: number, value: string | null): number {
    if (value === this.lastValue[slot]) return this.lastId[slot]!;
    const id = this.names.idOf(value);
    this.lastValue[slot] = value;
    this.lastId[slot] = id;
    return id;
  }

  /** Adds one session, with its line when it is kept as evidence; true when the batch is full and must be taken. */
  add(rec: SessionRecord, meta: SessionMeta, raw: string | null): boolean {
    const b = this.batch;
    const r = b.rows;
    const ints = b.ints;
    ints[I.source_id + r] = meta.sourceId;
    ints[I.line_no + r] = meta.lineNo;
    b.doubles[D.ts_ms + r] = meta.tsMs;
    ints[I.format_id + r] = this.id(0, rec.format);
    ints[I.host_id + r] = this.id(1, meta.host);
    ints[I.pid + r] = int(meta.pid);
    const ip4 = ipv4ToInt(rec.clientIp);
    ints[I.client_ip4 + r] = ip4;
    ints[I.client_ip_id + r] = ip4 === ABSENT ? this.id(2, rec.clientIp) : ABSENT;
    ints[I.client_port + r] = int(rec.clientPort);
    ints[I.frontend_id + r] = this.id(3, rec.frontend);
    ints[I.backend_id + r] = this.id(4, rec.backend);
    ints[I.server_id + r] = this.id(5, rec.server);
    ints[I.t_request + r] = int(rec.timeRequest);
    ints[I.t_queue + r] = int(rec.timeQueue);
    ints[I.t_connect + r] = int(rec.timeConnect);
    ints[I.t_response + r] = int(rec.timeResponse);
    ints[I.t_active + r] = int(rec.timeActive);
    ints[I.t_total + r] = int(rec.timeTotal);
    ints[I.status + r] = int(rec.status);
    b.doubles[D.bytes_read + r] = rec.bytesRead;
    ints[I.termination_id + r] = this.id(6, rec.termination);
    ints[I.actconn + r] = int(rec.actconn);
    ints[I.feconn + r] = int(rec.feconn);
    ints[I.beconn + r] = int(rec.beconn);
    ints[I.srvconn + r] = int(rec.srvconn);
    ints[I.retries + r] = int(rec.retries);
    ints[I.srv_queue + r] = int(rec.srvQueue);
    ints[I.backend_queue + r] = int(rec.backendQueue);
    ints[I.method_id + r] = this.id(7, rec.method);
    ints[I.version_id + r] = this.id(8, rec.httpVersion);
    ints[I.upgrade_id + r] = this.id(9, rec.upgrade);
    ints[I.connection_id + r] = this.id(10, rec.connection);
    ints[I.req_cookie_id + r] = this.id(11, rec.requestCookie);
    ints[I.res_cookie_id + r] = this.id(12, rec.responseCookie);
    ints[I.flags + r] =
      (rec.ssl ? SessionFlag.ssl : 0) | (rec.logasap ? SessionFlag.logasap : 0) | (rec.redispatched ? SessionFlag.redispatched : 0) |
      (rec.truncated ? SessionFlag.truncated : 0) | (meta.invalidUtf8 ? SessionFlag.invalidUtf8 : 0);
    const texts = b.texts;
    texts[TEXT.uri]![r] = rec.uri;
    texts[TEXT.req_headers]![r] = rec.requestHeaders;
    texts[TEXT.res_headers]![r] = rec.responseHeaders;
    texts[TEXT.extra]![r] = extraJson(rec);
    texts[TEXT.raw]![r] = raw;
    b.rows = r + 1;
    return b.rows === SESSION_BATCH_ROWS;
  }

  /** Hands over the batch filled so far (its arrays are the caller's now) and starts a new one. */
  take(): EncodedSessions {
    const { rows, ints, doubles, texts } = this.batch;
    this.batch = emptyBatch();
    return { rows, ints, doubles, texts: texts.map((values) => encodeText(values, rows)) };
  }

  /** Forgets the names (see NameDictionary.forget), after the rows added so far were taken. */
  forgetNames(): void {
    this.names.forget();
    this.lastValue.length = 0;
    this.lastId.length = 0;
  }

  /** Drops the rows added since the last take (and the remembered ids: the dictionary is rolling back). */
  discard(): void {
    this.batch = emptyBatch();
    this.lastValue.length = 0;
    this.lastId.length = 0;
  }
}

/** Fields only some formats carry, as a JSON object, or null (most lines: no VARCHAR cost). */
function extraJson(rec: SessionRecord): string | null {
  let extra: Record<string, string | number> | null = rec.extras ? { ...rec.extras } : null;
  const put = (key: string, value: string | number | null): void => {
    if (value === null || (typeof value === 'number' && Number.isNaN(value))) return;
    (extra ??= {})[key] = value;
  };
  put('t_handshake_ms', rec.timeHandshake);
  put('t_idle_ms', rec.timeIdle);
  put('bytes_uploaded', rec.bytesUploaded);
  put('unique_id', rec.uniqueId);
  put('ssl_version', rec.sslVersion);
  put('ssl_cipher', rec.sslCipher);
  put('sni', rec.sni);
  put('alpn', rec.alpn);
  put('backend_error', rec.backendError);
  return extra ? JSON.stringify(extra) : null;
}
