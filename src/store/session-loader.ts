/**
 * Bulk load of sessions through DuckDB's Appender, one data chunk (2048 rows) at a time. Numbers go into
 * the chunk's typed arrays directly; names become ids (see schema.ts). The caller decides when rows become
 * visible (flush) and owns the transaction.
 */
import {
  DOUBLE, DuckDBDataChunk, INTEGER, VARCHAR,
  type DuckDBAppender, type DuckDBConnection, type DuckDBType, type DuckDBVector,
} from '@duckdb/node-api';
import type { SessionRecord } from '../parse/session-record.js';
import { ABSENT, SESSION_COLUMNS, SessionFlag, type SessionColumn } from './schema.js';

const CHUNK_ROWS = 2048;

/** Low-cardinality strings → stable ids, persisted in `names`. */
export class NameDictionary {
  private readonly ids = new Map<string, number>();
  private pending: [number, string][] = [];
  /** Names handed out since the last commit: a rollback takes them back. */
  private uncommitted: string[] = [];
  private nextId = 1;

  load(rows: readonly { id: number; value: string }[]): void {
    for (const { id, value } of rows) {
      this.ids.set(value, id);
      if (id >= this.nextId) this.nextId = id + 1;
    }
  }

  idOf(value: string | null): number {
    if (value === null) return ABSENT;
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(value, id);
      this.pending.push([id, value]);
      this.uncommitted.push(value);
    }
    return id;
  }

  takePending(): [number, string][] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  commit(): void {
    this.uncommitted = [];
  }

  /** Forget the names added since the last commit (their rows were rolled back). */
  rollback(): void {
    for (const value of this.uncommitted) this.ids.delete(value);
    this.uncommitted = [];
    this.pending = [];
  }
}

const TYPES: Record<string, DuckDBType> = { INTEGER, DOUBLE, VARCHAR };
const COLUMN_INDEX = Object.fromEntries(SESSION_COLUMNS.map(([c], i) => [c, i])) as Record<SessionColumn, number>;

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

interface Columns {
  readonly ints: (Int32Array | null)[];
  readonly doubles: (Float64Array | null)[];
  readonly vectors: DuckDBVector[];
}

export interface SessionMeta {
  readonly sourceId: number;
  readonly lineNo: number;
  readonly tsMs: number;
  readonly host: string | null;
  readonly pid: number;
  readonly invalidUtf8: boolean;
}

export class SessionLoader {
  private readonly types = SESSION_COLUMNS.map(([, t]) => TYPES[t]!);
  private chunk: DuckDBDataChunk | undefined;
  private columns!: Columns;
  private row = 0;
  rowsAppended = 0;

  constructor(
    private readonly appender: DuckDBAppender,
    private readonly namesAppender: DuckDBAppender,
    private readonly names: NameDictionary,
  ) {
    this.newChunk();
  }

  static async create(connection: DuckDBConnection, names: NameDictionary): Promise<SessionLoader> {
    return new SessionLoader(await connection.createAppender('session_rows'), await connection.createAppender('names'), names);
  }

  /**
   * One native chunk, reused: a new chunk per 2048 rows is freed only when V8 collects its small JS wrapper,
   * which a mostly idle JS heap does late, so native memory would grow with the input.
   */
  private newChunk(): void {
    if (this.chunk) {
      this.chunk.reset();
      this.chunk.rowCount = CHUNK_ROWS;
    } else this.chunk = DuckDBDataChunk.create(this.types, CHUNK_ROWS);
    const chunk = this.chunk;
    const vectors: DuckDBVector[] = [];
    const ints: (Int32Array | null)[] = [];
    const doubles: (Float64Array | null)[] = [];
    for (let c = 0; c < this.types.length; c++) {
      const vector = chunk.getColumnVector(c);
      vectors.push(vector);
      // Numbers are written straight into the vector's typed array; flush() hands it to DuckDB in one call.
      const items = (vector as unknown as { items?: unknown }).items;
      ints.push(items instanceof Int32Array && items.length >= CHUNK_ROWS ? items : null);
      doubles.push(items instanceof Float64Array && items.length >= CHUNK_ROWS ? items : null);
    }
    this.columns = { ints, doubles, vectors };
    this.row = 0;
  }

  private setInt(column: SessionColumn, value: number): void {
    const c = COLUMN_INDEX[column];
    const items = this.columns.ints[c];
    if (items) items[this.row] = value;
    else this.columns.vectors[c]!.setItem(this.row, value as never);
  }

  private setDouble(column: SessionColumn, value: number): void {
    const c = COLUMN_INDEX[column];
    const items = this.columns.doubles[c];
    if (items) items[this.row] = value;
    else this.columns.vectors[c]!.setItem(this.row, value as never);
  }

  private setText(column: SessionColumn, value: string | null): void {
    this.columns.vectors[COLUMN_INDEX[column]]!.setItem(this.row, value as never);
  }

  add(rec: SessionRecord, meta: SessionMeta): void {
    const names = this.names;
    this.setInt('source_id', meta.sourceId);
    this.setInt('line_no', meta.lineNo);
    this.setDouble('ts_ms', meta.tsMs);
    this.setInt('format_id', names.idOf(rec.format));
    this.setInt('host_id', names.idOf(meta.host));
    this.setInt('pid', int(meta.pid));
    const ip4 = ipv4ToInt(rec.clientIp);
    this.setInt('client_ip4', ip4);
    this.setInt('client_ip_id', ip4 === ABSENT ? names.idOf(rec.clientIp) : ABSENT);
    this.setInt('client_port', int(rec.clientPort));
    this.setInt('frontend_id', names.idOf(rec.frontend));
    this.setInt('backend_id', names.idOf(rec.backend));
    this.setInt('server_id', names.idOf(rec.server));
    this.setInt('t_request', int(rec.timeRequest));
    this.setInt('t_queue', int(rec.timeQueue));
    this.setInt('t_connect', int(rec.timeConnect));
    this.setInt('t_response', int(rec.timeResponse));
    this.setInt('t_active', int(rec.timeActive));
    this.setInt('t_total', int(rec.timeTotal));
    this.setInt('status', int(rec.status));
    this.setDouble('bytes_read', rec.bytesRead);
    this.setInt('termination_id', names.idOf(rec.termination));
    this.setInt('actconn', int(rec.actconn));
    this.setInt('feconn', int(rec.feconn));
    this.setInt('beconn', int(rec.beconn));
    this.setInt('srvconn', int(rec.srvconn));
    this.setInt('retries', int(rec.retries));
    this.setInt('srv_queue', int(rec.srvQueue));
    this.setInt('backend_queue', int(rec.backendQueue));
    this.setInt('method_id', names.idOf(rec.method));
    this.setInt('version_id', names.idOf(rec.httpVersion));
    this.setInt('upgrade_id', names.idOf(rec.upgrade));
    this.setInt('connection_id', names.idOf(rec.connection));
    this.setInt('req_cookie_id', names.idOf(rec.requestCookie));
    this.setInt('res_cookie_id', names.idOf(rec.responseCookie));
    this.setInt(
      'flags',
      (rec.ssl ? SessionFlag.ssl : 0) | (rec.logasap ? SessionFlag.logasap : 0) | (rec.redispatched ? SessionFlag.redispatched : 0) |
        (rec.truncated ? SessionFlag.truncated : 0) | (meta.invalidUtf8 ? SessionFlag.invalidUtf8 : 0),
    );
    this.setText('uri', rec.uri);
    this.setText('req_headers', rec.requestHeaders);
    this.setText('res_headers', rec.responseHeaders);
    this.setText('extra', extraJson(rec));
    if (++this.row === CHUNK_ROWS) this.appendChunk();
  }

  private appendChunk(): void {
    if (this.row === 0) return;
    const pending = this.names.takePending();
    for (const [id, value] of pending) {
      this.namesAppender.appendInteger(id);
      this.namesAppender.appendVarchar(value);
      this.namesAppender.endRow();
    }
    // New names must be in `names` before rows that use them; most chunks bring none.
    if (pending.length) this.namesAppender.flushSync();
    for (const vector of this.columns.vectors) vector.flush();
    const chunk = this.chunk!;
    chunk.rowCount = this.row;
    this.appender.appendDataChunk(chunk);
    this.rowsAppended += this.row;
    this.newChunk();
  }

  /** Makes every added row visible to queries on this connection. */
  flush(): void {
    this.appendChunk();
    this.appender.flushSync();
  }

  /** Drops the rows added since the last flush (their transaction is being rolled back). */
  discard(): void {
    this.newChunk();
    this.appender.clear();
    this.namesAppender.clear();
    this.names.rollback();
  }

  close(): void {
    this.appender.closeSync();
    this.namesAppender.closeSync();
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
