/**
 * Files (gzip detected by magic bytes, multi-member included) and stdin → batches of lines, in constant
 * memory. Lines are split on bytes with split2 over a lossless latin1 view of the input, so a chunk boundary
 * inside a multi-byte UTF-8 character cannot corrupt it and invalid UTF-8 is detected exactly, with its raw
 * bytes kept. A line longer than the cap keeps a prefix and is reported, never buffered whole.
 */
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { isUtf8 } from 'node:buffer';
import { createGunzip } from 'node:zlib';
import split2 from 'split2';

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;
const BATCH_LINES = 2048;
/** …or fewer when they hold this much text: 2048 lines of 64 KB each made 128 MB batches. */
const BATCH_CHARS = 1024 * 1024;
/**
 * Bytes read at a time. Each chunk becomes one string, and the lines are slices of it: below V8's large-object
 * size (128 KB) a chunk is reclaimed by the young generation's cheap collections, while 256 KB chunks piled up
 * in the large-object space until a full collection (the ingest worker's heap peaked at 165 MB, now 75 MB).
 */
export const READ_CHUNK_BYTES = 64 * 1024;
/** Marks, inside the latin1 text, where an over-long line was cut (cannot occur in latin1 text). */
const CUT_MARK = '\uFFFF';
/** Appended after the partial tail of a broken compressed input: that text is a fragment, not a line. */
const DAMAGE_MARK = '\uFFFE';

export type LineIssue = 'too_long' | 'invalid_utf8';

export interface LineNote {
  /** Index of the line in its batch. */
  readonly index: number;
  readonly issue: LineIssue;
  /** The line's bytes as read (prefix for too_long), when they differ from the decoded text. */
  readonly bytes: Buffer | null;
}

export interface LineBatch {
  readonly firstLineNo: number;
  readonly lines: string[];
  readonly notes: LineNote[];
}

export type InputStatus = 'ok' | 'missing' | 'unreadable' | 'truncated' | 'corrupt';

export interface InputResult {
  status: InputStatus;
  /** One line, for the operator, when status is not ok. */
  message: string | null;
  compressed: boolean;
  /** Bytes read after decompression. */
  bytes: number;
  lines: number;
  /** Text of a partial line left when a compressed input broke off; not stored as a line. */
  fragment: string | null;
}

export interface ReadOptions {
  readonly maxLineBytes?: number;
  /** The stream '-' stands for (the CLI passes the process's stdin). */
  readonly stdin?: NodeJS.ReadableStream;
  /** For tests: the size of the chunks read from files. */
  readonly highWaterMark?: number;
}

/** Gzip is recognised by its first two bytes, whatever the file is called. */
export function isGzipMagic(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return (e?.message ?? String(error)).split('\n')[0]!;
}

/** Opens `path` ('-' is stdin) and reports whether it is gzip, by its first two bytes. */
async function openBytes(path: string, options: ReadOptions, result: InputResult): Promise<Readable | null> {
  if (path === '-') {
    const stdin = options.stdin;
    if (!stdin) {
      result.status = 'unreadable';
      result.message = '-: no standard input to read';
      return null;
    }
    const first = (await readFirstChunk(stdin)) ?? Buffer.alloc(0);
    const gzip = isGzipMagic(first);
    result.compressed = gzip;
    const rest = Readable.from(chain(first, stdin));
    return gzip ? rest.pipe(createGunzip()) : rest;
  }
  let handle;
  try {
    handle = await open(path, 'r');
    const stat = await handle.stat();
    if (stat.isDirectory()) {
      result.status = 'unreadable';
      result.message = `${path}: is a directory`;
      return null;
    }
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    result.compressed = isGzipMagic(head.subarray(0, bytesRead));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    result.status = code === 'ENOENT' ? 'missing' : 'unreadable';
    result.message = code === 'ENOENT' ? `${path}: no such file` : `${path}: ${describe(error)}`;
    return null;
  } finally {
    await handle?.close();
  }
  const file = createReadStream(path, { highWaterMark: options.highWaterMark ?? READ_CHUNK_BYTES });
  if (!result.compressed) return file;
  const gunzip = createGunzip();
  file.on('error', (error) => gunzip.destroy(error));
  return file.pipe(gunzip);
}

async function readFirstChunk(stream: NodeJS.ReadableStream): Promise<Buffer | null> {
  const readable = stream as Readable;
  const chunk = readable.read() as Buffer | null;
  if (chunk) return chunk;
  if (readable.readableEnded) return null;
  const ended = once(readable, 'end').then(() => null);
  const readableNow = once(readable, 'readable').then(() => readable.read() as Buffer | null);
  const first = await Promise.race([readableNow, ended]);
  return first;
}

async function* chain(first: Buffer, rest: NodeJS.ReadableStream): AsyncGenerator<Buffer> {
  if (first.length) yield first;
  for await (const chunk of rest as AsyncIterable<Buffer>) yield chunk;
}

/**
 * Bytes → latin1 text, cutting lines longer than the cap at the cap (the rest of such a line is skipped
 * up to its newline) and keeping the unfinished tail, so that a broken input can report it.
 */
class LineCap extends Transform {
  private sinceNewline = 0;
  private skipping = false;
  bytes = 0;
  /** Set when the input broke off: the unfinished tail is then closed as a fragment, not a line. */
  damaged = false;

  constructor(private readonly cap: number) {
    // Strings go out untouched (object mode): a string pushed through a byte stream would be re-encoded.
    super({ readableObjectMode: true });
  }

  override _flush(done: TransformCallback): void {
    done(null, this.damaged ? DAMAGE_MARK + '\n' : undefined);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    const lastNewline = chunk.lastIndexOf(10);
    if (!this.skipping && this.sinceNewline + (lastNewline < 0 ? chunk.length : chunk.indexOf(10)) <= this.cap && (lastNewline < 0 || chunk.length - lastNewline - 1 <= this.cap)) {
      // Fast path: no line in this chunk can exceed the cap, except inside it (the mapper checks those).
      this.noteTail(chunk, lastNewline);
      done(null, chunk.toString('latin1', 0, chunk.length));
      return;
    }
    let out = '';
    let at = 0;
    while (at < chunk.length) {
      const nl = chunk.indexOf(10, at);
      const end = nl < 0 ? chunk.length : nl;
      if (this.skipping) {
        if (nl >= 0) {
          this.skipping = false;
          this.sinceNewline = 0;
          out += '\n';
        }
      } else {
        const room = this.cap - this.sinceNewline;
        if (end - at > room) {
          out += chunk.toString('latin1', at, at + Math.max(room, 0)) + CUT_MARK;
          this.skipping = nl < 0;
          this.sinceNewline = nl < 0 ? this.cap : 0;
          if (nl >= 0) out += '\n';
        } else {
          out += chunk.toString('latin1', at, nl < 0 ? end : end + 1);
          this.sinceNewline = nl < 0 ? this.sinceNewline + (end - at) : 0;
        }
      }
      at = nl < 0 ? chunk.length : nl + 1;
    }
    done(null, out);
  }

  private noteTail(chunk: Buffer, lastNewline: number): void {
    this.sinceNewline = lastNewline >= 0 ? chunk.length - lastNewline - 1 : this.sinceNewline + chunk.length;
  }
}

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Reads `path` ('-' for stdin) as batches of lines. Never throws for input problems: `result` says what
 * happened (a missing file, a truncated or corrupt gzip) once the iteration ends.
 */
export async function* readLines(path: string, result: InputResult, options: ReadOptions = {}): AsyncGenerator<LineBatch> {
  const cap = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const bytes = await openBytes(path, options, result);
  if (!bytes) return;

  let lineNo = 0;
  let batch: LineBatch = { firstLineNo: 1, lines: [], notes: [] };
  let batchChars = 0;

  const mapper = (raw: string): LineBatch | undefined => {
    if (raw.charCodeAt(raw.length - 1) === 0xfffe) {
      const fragment = raw.slice(0, -1);
      result.fragment = fragment ? Buffer.from(fragment, 'latin1').toString('utf8') : null;
      return undefined;
    }
    let line = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    let issue: LineIssue | null = null;
    let bytesOut: Buffer | null = null;
    if (line.length > cap || line.charCodeAt(line.length - 1) === 0xffff) {
      issue = 'too_long';
      line = line.endsWith(CUT_MARK) ? line.slice(0, -1) : line;
      line = line.slice(0, cap);
    }
    if (NON_ASCII.test(line)) {
      const b = Buffer.from(line, 'latin1');
      const valid = isUtf8(b);
      line = b.toString('utf8');
      if (!valid) {
        issue ??= 'invalid_utf8';
        bytesOut = b;
      } else if (issue === 'too_long') bytesOut = b;
    }
    lineNo++;
    if (issue) batch.notes.push({ index: batch.lines.length, issue, bytes: bytesOut });
    batch.lines.push(line);
    batchChars += line.length;
    if (batch.lines.length < BATCH_LINES && batchChars < BATCH_CHARS) return undefined;
    const done = batch;
    batch = { firstLineNo: lineNo + 1, lines: [], notes: [] };
    batchChars = 0;
    return done;
  };

  const capper = new LineCap(cap);
  // split2 reads the latin1 text as is (decodeStrings: false): one char per byte, split on '\n'.
  const splitter = split2('\n', mapper, { decodeStrings: false, readableHighWaterMark: 4 });
  bytes.on('error', (error) => {
    // Keep every complete line read before the damage; the unfinished tail becomes a fragment.
    const code = (error as NodeJS.ErrnoException).code;
    result.status = code === 'Z_BUF_ERROR' || /unexpected end/i.test(describe(error)) ? 'truncated' : result.compressed ? 'corrupt' : 'unreadable';
    result.message =
      result.status === 'truncated'
        ? `${path}: compressed data ends early (truncated gzip); the lines before the damage were kept`
        : `${path}: ${result.compressed ? 'corrupt gzip data' : 'read error'} (${describe(error)})`;
    bytes.unpipe(capper);
    capper.damaged = true;
    capper.end();
  });
  bytes.pipe(capper).pipe(splitter);
  // Consumed at once: awaiting anything between creating a line stream and iterating it can lose lines.
  for await (const full of splitter as AsyncIterable<LineBatch>) yield full;
  if (batch.lines.length) yield batch;
  result.bytes = capper.bytes;
  result.lines = lineNo;
}
