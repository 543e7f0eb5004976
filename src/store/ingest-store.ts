/**
 * Writes one run of the pipeline (ingest, analyze, live…): sources, sessions, events, rejects, evidence lines and
 * the run's accounting. Rows are appended inside a transaction that commits with the sources' resume points, so
 * what a crash or a full disk leaves behind is always whole lines with the offset after them; a corrupt input is
 * rolled back whole and everything committed before it stays.
 */
import type { DuckDBAppender } from '@duckdb/node-api';
import { hashBytes, type KnownSource } from '../input/fingerprint.js';
import type { EventRecord } from '../parse/formats/events.js';
import type { Database } from './database.js';
import { NameDictionary } from './name-dictionary.js';
import { NAME_ID_COLUMNS } from './schema.js';
import type { EncodedSessions } from './session-columns.js';
import { RawLineLoader } from './raw-line-loader.js';
import { AppenderCache } from './appender-cache.js';
import { SessionLoader } from './session-loader.js';

export interface EncodedEvent {
  readonly lineNo: number;
  readonly tsMs: number;
  readonly host: string | null;
  readonly pid: number;
  readonly event: EventRecord;
  readonly raw: string;
  readonly bytes: Uint8Array | null;
}

export interface EncodedReject {
  readonly lineNo: number;
  readonly tsMs: number;
  readonly reason: string;
  readonly detail: string | null;
  readonly raw: string;
  readonly bytes: Uint8Array | null;
}

/** A session's line kept as evidence with its exact bytes (not valid UTF-8): a row of raw_line_rows. */
export interface EncodedEvidence {
  readonly lineNo: number;
  readonly raw: string;
  readonly bytes: Uint8Array | null;
}

/** Rows of a batch of lines encoded off the store (see ingest/encode-lines.ts), in line order within each kind. */
export interface EncodedRows {
  /** Names the encoder handed out for these sessions, to adopt before storing them. */
  readonly names: readonly (readonly [number, string])[];
  readonly sessions: readonly EncodedSessions[];
  readonly evidence: readonly EncodedEvidence[];
  readonly events: readonly EncodedEvent[];
  readonly rejects: readonly EncodedReject[];
}

/** Where a source stands: saved with its rows, in the same transaction. */
export interface SourcePosition {
  readonly sourceId: number;
  readonly lines: number;
  /** Bytes read this run and before (after decompression). */
  readonly bytes: number;
  /** The resume point: after the last whole line stored (bytes after decompression). */
  readonly offset: number;
  /** The bytes just before `offset` (at most 1 KiB), kept as their hash. */
  readonly tail: Uint8Array;
  readonly insideLine: boolean;
  /** The content's first bytes as read so far: its identity grows with a followed file that started short. */
  readonly head: Uint8Array | null;
  readonly status: string;
  readonly message: string | null;
}

/** A new source row: what the pipeline knows of an input when it starts reading it. */
export interface NewSource {
  readonly path: string;
  readonly compressed: boolean;
  /** Its first bytes (after decompression), the identity a later run recognises it by; null for stdin. */
  readonly head: Uint8Array | null;
}


export type { KnownSource };

export interface IngestTotals {
  inputs: string[];
  linesRead: number;
  linesSkipped: number;
  /** Lines of inputs found corrupt and rolled back whole. */
  linesRolledBack: number;
  sessions: number;
  events: number;
  rejects: number;
  blank: number;
  bytes: number;
  status: string;
}

/**
 * DuckDB's memory limit while a batch ingest appends to a database (a file, or in memory, whose tables then spill to
 * temporary files). Appending needs little: each row group is written out as it fills, and what DuckDB holds beyond
 * that is a cache of blocks already written. Its 256 MB
 * default made ~100 MB of the ingest's peak RSS (2 M lines: ~440 MB at 128 MB, ~390 MB at 64 MB); at 32 MB the
 * first COMMIT fails. Lines of up to 4,000 characters ingest within it (150,000 lines each of 500–4000), but a line
 * that may hold strings over 4 KiB raises it to LONG_TEXT_MEMORY (see allowLongText).
 */
export const BULK_MEMORY = '64MB';
export const LONG_TEXT_MEMORY = '256MB';
/** Rows of one of DuckDB's row groups (its default row_group_size). */
export const ROW_GROUP_ROWS = 122_880;
/** Lines longer than this may hold strings over 4 KiB (UTF-8 takes up to 3 bytes a character): see allowLongText. */
export const LONG_TEXT_CHARS = Math.floor(4096 / 3);

const tsOrNull = (ms: number): string | null => (Number.isNaN(ms) ? null : new Date(ms).toISOString().replace('T', ' ').replace('Z', ''));

function appendOptional(appender: DuckDBAppender, value: string | number | null, kind: 'text' | 'int'): void {
  if (value === null || (typeof value === 'number' && !Number.isFinite(value))) appender.appendNull();
  else if (kind === 'int') appender.appendInteger(Number(value));
  else appender.appendVarchar(String(value));
}

/** Runs every step in order; the first error stops them, unless `tolerant`, when each step runs and errors are dropped. */
function eachStep(steps: readonly (() => void)[], tolerant: boolean): void {
  for (const step of steps) {
    try {
      step();
    } catch (error) {
      if (!tolerant) throw error;
    }
  }
}

export class IngestStore {
  private constructor(
    private readonly db: Database,
    private readonly names: NameDictionary,
    private readonly sessions: SessionLoader,
    private readonly events: DuckDBAppender,
    private readonly rejects: DuckDBAppender,
    private readonly rawLines: RawLineLoader,
    readonly ingestId: number,
    /** DuckDB's memory limit before a bulk ingest lowered it, restored by release(); null when not lowered. */
    private readonly memoryBefore: string | null,
    /** Rows the session table held when this run began. */
    readonly sessionRows: number,
  ) {}

  /**
   * `parsingElsewhere`: another thread parses while this one stores, so DuckDB runs on one thread for the
   * ingest (its second thread only competed with the parser for the machine's cores: same speed, 15% more CPU).
   * `bulk`: a batch ingest. DuckDB then gets BULK_MEMORY until release(), in a file or in memory (where the tables
   * beyond it spill to the database's temporary directory: `analyze` of a 2 M-line log without --db peaked at 357
   * instead of 468 MB, no slower, with the same answer).
   */
  static async open(db: Database, options: { readonly parsingElsewhere?: boolean; readonly bulk?: boolean } = {}): Promise<IngestStore> {
    if (options.parsingElsewhere) await db.run('SET threads = 1');
    let memoryBefore: string | null = null;
    if (options.bulk) {
      memoryBefore = db.memoryLimit;
      await db.setMemoryLimit(BULK_MEMORY);
    }
    const names = new NameDictionary();
    const existing = await db.query('SELECT id, value FROM names');
    names.load(existing.rows.map((r) => [Number(r['id']), String(r['value'])] as const));
    const id = Number((await db.query("SELECT nextval('ingest_ids') AS id")).rows[0]!['id']);
    const sessionRows = Number((await db.query('SELECT count(*) AS n FROM session_rows')).rows[0]!['n']);
    const c = db.connection;
    return new IngestStore(
      db, names, await SessionLoader.create(c, names),
      await c.createAppender('events'), await c.createAppender('rejects'), new RawLineLoader(await c.createAppender('raw_line_rows')), id, memoryBefore,
      sessionRows,
    );
  }

  /**
   * A line longer than LONG_TEXT_CHARS is about to be stored. DuckDB keeps strings over 4 KiB in overflow blocks, and
   * checkpointing row groups full of them takes more than BULK_MEMORY: 5000 lines of 60 KB failed at 160 MB and
   * invalidated the database. From then on, for the rest of the ingest, DuckDB gets LONG_TEXT_MEMORY.
   */
  async allowLongText(): Promise<void> {
    if (this.memoryBefore === null || this.db.memoryLimit === LONG_TEXT_MEMORY) return;
    await this.db.setMemoryLimit(LONG_TEXT_MEMORY);
  }

  async knownSources(): Promise<KnownSource[]> {
    const { rows } = await this.db.query(
      `SELECT source_id, path, fingerprint, fingerprint_bytes, lines, "offset", tail_hash, tail_bytes, inside_line
       FROM sources WHERE fingerprint IS NOT NULL AND status IN ('ok', 'truncated') ORDER BY source_id`,
    );
    return rows.map((r) => ({
      sourceId: Number(r['source_id']), path: String(r['path']), fingerprint: String(r['fingerprint']),
      fingerprintBytes: Number(r['fingerprint_bytes']), lines: Number(r['lines']),
      offset: r['offset'] === null ? null : Number(r['offset']), tailHash: r['tail_hash'] === null ? null : String(r['tail_hash']),
      tailBytes: Number(r['tail_bytes'] ?? 0), insideLine: r['inside_line'] === true,
    }));
  }

  /** What the events' and rejects' appenders hold, counted together (a log of rejects keeps each line). */
  private readonly eventsAndRejectsCache = new AppenderCache();

  private inTransaction = false;
  /** Whether the appenders are closed (finish or abandon). */
  private closed = false;

  /** Opens a transaction unless one is open: rows are only ever appended inside one. */
  async begin(): Promise<void> {
    if (this.inTransaction) return;
    await this.db.run('BEGIN TRANSACTION');
    this.inTransaction = true;
  }

  /** A new source row (in the open transaction), for an input that continues none the store knows. */
  async newSource(source: NewSource): Promise<number> {
    await this.begin();
    const id = Number((await this.db.query("SELECT nextval('source_ids') AS id")).rows[0]!['id']);
    const head = source.head && source.head.length ? source.head : null;
    await this.db.run(
      `INSERT INTO sources (source_id, path, compressed, fingerprint, fingerprint_bytes, "offset", first_ingest_id, last_ingest_id)
       VALUES ($id, $path, $compressed, $fingerprint, $fbytes, 0, $ingest, $ingest)`,
      { id, path: source.path, compressed: source.compressed, fingerprint: head ? hashBytes(head) : null, fbytes: head ? head.length : 0, ingest: this.ingestId },
    );
    return id;
  }

  /** The source row of an input that could not be read, or was rolled back: its status says why. */
  async failedSource(path: string, compressed: boolean, status: string, message: string | null): Promise<void> {
    await this.begin();
    const id = Number((await this.db.query("SELECT nextval('source_ids') AS id")).rows[0]!['id']);
    await this.db.run(
      `INSERT INTO sources (source_id, path, compressed, status, message, first_ingest_id, last_ingest_id)
       VALUES ($id, $path, $compressed, $status, $message, $ingest, $ingest)`,
      { id, path, compressed, status, message, ingest: this.ingestId },
    );
    await this.commit([]);
  }

  /** Records what happened to an input that no line says (a truncation, an identity that did not hold…). */
  async inputEvent(event: { sourceId: number | null; path: string; kind: string; offset: number | null; lostBytes: number | null; message: string }): Promise<void> {
    await this.begin();
    await this.db.run(
      `INSERT INTO input_events VALUES ($ingest, $source, now()::TIMESTAMP, $path, $kind, $offset, $lost, $message)`,
      { ingest: this.ingestId, source: event.sourceId, path: event.path, kind: event.kind, offset: event.offset, lost: event.lostBytes, message: event.message },
    );
  }

  /** The database written to. */
  get path(): string {
    return this.db.path;
  }

  /** How many names the dictionary knows. */
  get nameCount(): number {
    return this.names.size;
  }

  /**
   * Forgets every name (the encoders elsewhere must forget theirs at the same point of the stream), makes the
   * rows added so far visible, and deletes the names no stored session uses any more. Names of the rows still
   * stored stay; the values seen again come back with new ids.
   */
  async forgetNames(): Promise<void> {
    this.sessions.forgetNames();
    this.flush();
    const ids = NAME_ID_COLUMNS.join(', ');
    await this.db.run(`DELETE FROM names n WHERE NOT EXISTS (
      SELECT 1 FROM (SELECT unnest([${ids}]) AS id FROM session_rows) used WHERE used.id = n.id)`);
  }

  /** The store's names as [id, value], to seed the dictionary of an encoder running elsewhere. */
  nameEntries(): [number, string][] {
    return this.names.entries();
  }

  /** Stores a batch encoded elsewhere (names first, then sessions, evidence, events, rejects) for `sourceId`. */
  addEncoded(rows: EncodedRows, sourceId: number): void {
    this.names.adopt(rows.names);
    for (const batch of rows.sessions) this.sessions.appendEncoded(batch, sourceId);
    for (const e of rows.evidence) this.addRawLine(sourceId, e.lineNo, e.raw, e.bytes);
    for (const e of rows.events) this.addEvent(sourceId, e.lineNo, e.tsMs, e.host, e.pid, e.event, e.bytes, e.raw);
    for (const r of rows.rejects) this.addReject(sourceId, r.lineNo, r.tsMs, r.reason, r.detail, r.raw, r.bytes);
    if (this.eventsAndRejectsCache.full) this.flushEventsAndRejects();
  }

  private flushEventsAndRejects(): void {
    this.events.flushSync();
    this.rejects.flushSync();
    this.eventsAndRejectsCache.empty();
  }

  private addRawLine(sourceId: number, lineNo: number, raw: string, bytes: Uint8Array | null): void {
    this.rawLines.add(sourceId, lineNo, raw, bytes);
  }

  private addEvent(sourceId: number, lineNo: number, tsMs: number, host: string | null, pid: number, e: EventRecord, bytes: Uint8Array | null, raw: string): void {
    const a = this.events;
    a.appendInteger(sourceId);
    a.appendInteger(lineNo);
    appendOptional(a, tsOrNull(tsMs), 'text');
    appendOptional(a, host, 'text');
    appendOptional(a, pid, 'int');
    a.appendVarchar(e.kind);
    appendOptional(a, e.proxy, 'text');
    appendOptional(a, e.server, 'text');
    appendOptional(a, e.reason, 'text');
    appendOptional(a, e.checkCode, 'int');
    appendOptional(a, e.checkInfo, 'text');
    appendOptional(a, e.checkDurationMs, 'int');
    appendOptional(a, e.activeServers, 'int');
    appendOptional(a, e.backupServers, 'int');
    appendOptional(a, e.sessionsActive, 'int');
    appendOptional(a, e.requeued, 'int');
    appendOptional(a, e.clientIp, 'text');
    appendOptional(a, e.clientPort, 'int');
    a.appendVarchar(e.message);
    a.endRow();
    this.eventsAndRejectsCache.add(1, e.message.length);
    if (bytes) this.addRawLine(sourceId, lineNo, raw, bytes);
  }

  private addReject(sourceId: number, lineNo: number, tsMs: number, reason: string, detail: string | null, raw: string, bytes: Uint8Array | null): void {
    const a = this.rejects;
    a.appendInteger(sourceId);
    a.appendInteger(lineNo);
    appendOptional(a, tsOrNull(tsMs), 'text');
    a.appendVarchar(reason);
    appendOptional(a, detail, 'text');
    a.appendVarchar(raw);
    if (bytes) a.appendBlob(bytes);
    else a.appendNull();
    a.endRow();
    this.eventsAndRejectsCache.add(1, raw.length);
  }

  /** Makes the rows added so far visible to queries (live mode refreshes on this). */
  flush(): void {
    this.sessions.flush();
    this.flushEventsAndRejects();
    this.rawLines.flush();
  }

  /**
   * Commits the rows added so far with where each source stands (the offsets a later run resumes from, in the same
   * transaction). The next rows open a new transaction.
   */
  async commit(positions: readonly SourcePosition[]): Promise<void> {
    await this.begin();
    this.flush();
    for (const p of positions) {
      const head = p.head && p.head.length ? p.head : null;
      await this.db.run(
        `UPDATE sources SET lines = $lines, bytes = $bytes, "offset" = $offset, tail_hash = $tail, tail_bytes = $tbytes, inside_line = $inside,
           fingerprint = coalesce($fingerprint, fingerprint), fingerprint_bytes = coalesce($fbytes, fingerprint_bytes),
           status = $status, message = $message, last_ingest_id = $ingest
         WHERE source_id = $id`,
        {
          lines: p.lines, bytes: p.bytes, offset: p.offset, tail: hashBytes(p.tail), tbytes: p.tail.length, inside: p.insideLine,
          fingerprint: head ? hashBytes(head) : null, fbytes: head ? head.length : null,
          status: p.status, message: p.message, ingest: this.ingestId, id: p.sourceId,
        },
      );
    }
    try {
      await this.db.run('COMMIT');
    } finally {
      // A COMMIT that fails ends the transaction too (DuckDB rolls it back).
      this.inTransaction = false;
    }
    this.names.commit();
  }

  /** Drops every row added since the last commit (a corrupt input). */
  async rollback(): Promise<void> {
    this.discardAppended(false);
    // A failed COMMIT has already ended the transaction: there is nothing left to roll back then.
    await this.db.run('ROLLBACK').catch((error: Error) => {
      if (!/no transaction is active/.test(error.message)) throw error;
    });
    this.inTransaction = false;
  }

  /**
   * After a failure: drops the rows not committed and closes the appenders. They must not outlive the database: an
   * appender that the garbage collector destroys after its connection closed corrupts the native heap (the store
   * bench, which never closed them, aborted with "corrupted double-linked list" in two runs of four). Safe to call
   * after finish() and more than once; an appender that DuckDB already broke is left as it is (the failure being
   * reported is the first one).
   */
  abandon(): void {
    if (this.closed) return;
    this.discardAppended(true);
    this.closeAppenders(true);
  }

  /** The rows appended since the last commit, dropped from every appender. */
  private discardAppended(tolerant: boolean): void {
    this.eventsAndRejectsCache.empty();
    eachStep([() => this.sessions.discard(), () => this.events.clear(), () => this.rejects.clear(), () => this.rawLines.clear()], tolerant);
  }

  private closeAppenders(tolerant = false): void {
    if (this.closed) return;
    this.closed = true;
    eachStep([() => this.sessions.close(), () => this.events.closeSync(), () => this.rejects.closeSync(), () => this.rawLines.close()], tolerant);
  }

  /** Gives DuckDB its threads and its memory limit back (after an ingest); safe to call more than once. */
  async release(): Promise<void> {
    // Back to the threads the database was opened with (RESET would give DuckDB's default, one per core).
    await this.db.run(this.db.threads === null ? 'RESET threads' : `SET threads = ${this.db.threads}`);
    if (this.memoryBefore !== null) await this.db.setMemoryLimit(this.memoryBefore);
  }

  async finish(totals: IngestTotals, startedAt: Date, seconds: number): Promise<void> {
    if (this.inTransaction) await this.commit([]);
    this.closeAppenders();
    await this.db.run(
      `INSERT INTO ingests VALUES ($id, $started, $inputs, $lines, $skipped, $rolledBack, $sessions, $events, $rejects, $blank, $bytes, $seconds, $status)`,
      {
        id: this.ingestId, started: startedAt.toISOString().replace('T', ' ').replace('Z', ''), inputs: totals.inputs.join(' '),
        lines: totals.linesRead, skipped: totals.linesSkipped, rolledBack: totals.linesRolledBack, sessions: totals.sessions, events: totals.events,
        rejects: totals.rejects, blank: totals.blank, bytes: totals.bytes, seconds, status: totals.status,
      },
    );
  }
}
