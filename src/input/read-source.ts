/**
 * Inputs read to their end: files (gzip recognised by its magic bytes, multi-member included) and stdin, as
 * chunks of bytes in bounded memory. Never throws for input problems: the result says what happened (a missing
 * file, a directory, a truncated or corrupt gzip) once the chunks are done. A gzip is read through Node's zlib,
 * never DuckDB's reader (which turns a corrupt one into garbage rows without an error).
 */
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { open, stat as statPath } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { FINGERPRINT_BYTES, lastBytes } from './fingerprint.js';
import { TAIL_BYTES } from './split-lines.js';

/** Bytes read at a time from a file. */
export const READ_CHUNK_BYTES = 256 * 1024;

export type InputStatus = 'ok' | 'missing' | 'unreadable' | 'truncated' | 'corrupt';

export interface InputResult {
  status: InputStatus;
  /** One line, for the operator, when status is not ok. */
  message: string | null;
  /** Bytes read this run (after decompression). */
  bytes: number;
  /** The input is gzip (known once its first bytes are read). */
  compressed: boolean;
}

/** What an input is, from its first bytes: whether it is gzip, its head (after decompression), its mtime. */
export interface InputProbe {
  readonly path: string;
  readonly compressed: boolean;
  /** Its first FINGERPRINT_BYTES bytes after decompression (fewer for a short input). */
  readonly head: Buffer;
  /** Size in bytes of a plain file (what a resume point must not pass); null for gzip and stdin. */
  readonly size: number | null;
  readonly mtimeMs: number | null;
}

export function newInputResult(): InputResult {
  return { status: 'ok', message: null, bytes: 0, compressed: false };
}

/** Gzip is recognised by its first two bytes, whatever the file is called. */
export function isGzipMagic(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

export function describeError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return (e?.message ?? String(error)).split('\n')[0]!;
}

/** Opens `path` to look at it: a probe, or why it cannot be read (set on `result`). */
export async function probeFile(path: string, result: InputResult): Promise<InputProbe | null> {
  let handle;
  try {
    handle = await open(path, 'r');
    const stat = await handle.stat();
    if (stat.isDirectory()) {
      result.status = 'unreadable';
      result.message = `${path}: is a directory`;
      return null;
    }
    const first = Buffer.alloc(FINGERPRINT_BYTES);
    const { bytesRead } = await handle.read(first, 0, first.length, 0);
    const compressed = isGzipMagic(first.subarray(0, bytesRead));
    const head = compressed ? await gunzipHead(path) : first.subarray(0, bytesRead);
    return { path, compressed, head, size: compressed ? null : stat.size, mtimeMs: stat.mtimeMs };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    result.status = code === 'ENOENT' ? 'missing' : 'unreadable';
    result.message = code === 'ENOENT' ? `${path}: no such file` : `${path}: ${describeError(error)}`;
    return null;
  } finally {
    await handle?.close();
  }
}

/** How much text a compressed log holds for each byte on disk, as a guess (HAProxy logs compress ~8–12×). */
const GZIP_TEXT_RATIO = 10;

/**
 * About how many bytes of text reading `path` gives: its size, or ten times it for gzip; Infinity when it cannot be
 * known beforehand (stdin, a pipe, a device); 0 when the file cannot be read (its reader reports that).
 */
export async function guessTextBytes(path: string): Promise<number> {
  if (path === '-') return Infinity;
  let handle;
  try {
    // stat before open: opening a FIFO waits for its writer.
    const before = await statPath(path);
    if (!before.isFile()) return before.isDirectory() ? 0 : Infinity;
    handle = await open(path, 'r');
    const magic = Buffer.alloc(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    return isGzipMagic(magic.subarray(0, bytesRead)) ? before.size * GZIP_TEXT_RATIO : before.size;
  } catch {
    return 0;
  } finally {
    await handle?.close();
  }
}

/** The first FINGERPRINT_BYTES bytes of a gzip file after decompression (what decompressed before any damage). */
async function gunzipHead(path: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  const file = createReadStream(path, { start: 0, end: 64 * 1024 - 1 });
  const stream = file.pipe(createGunzip());
  file.on('error', (e) => stream.destroy(e));
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      parts.push(chunk);
      size += chunk.length;
      if (size >= FINGERPRINT_BYTES) break;
    }
  } catch {
    // A truncated or corrupt gzip still yields what decompressed before the error; reading it says more.
  } finally {
    file.destroy();
    stream.destroy();
  }
  return Buffer.concat(parts).subarray(0, FINGERPRINT_BYTES);
}

/** The bytes of a plain file at [position, position + length) (fewer past its end). */
export async function readFileAt(path: string, position: number, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const out = Buffer.alloc(length);
    const { bytesRead } = await handle.read(out, 0, length, position);
    return out.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export interface ReadFrom {
  /** Where to start, in bytes after decompression. */
  readonly offset: number;
  /**
   * For a gzip: call with the bytes just before `offset` once decompression reaches it; false stops the reading
   * before any byte is yielded (the input is not what it was taken for).
   */
  readonly check?: (tail: Uint8Array) => boolean;
}

/**
 * Reads a file from `from.offset` to its end, in chunks of its own (the caller may keep or move them). A gzip is
 * decompressed from its start and its first `from.offset` bytes are skipped.
 */
export async function* readFile(probe: InputProbe, from: ReadFrom, result: InputResult, chunkBytes = READ_CHUNK_BYTES): AsyncGenerator<Buffer> {
  const file = createReadStream(probe.path, { highWaterMark: chunkBytes, ...(probe.compressed ? {} : { start: from.offset }) });
  const stream: Readable = probe.compressed ? file.pipe(createGunzip({ chunkSize: Math.min(chunkBytes, 64 * 1024) })) : file;
  if (probe.compressed) file.on('error', (error) => stream.destroy(error));
  let skip = probe.compressed ? from.offset : 0;
  let before: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let bytes = chunk;
      if (skip > 0) {
        const dropped = Math.min(skip, bytes.length);
        before = Buffer.from(lastBytes(Buffer.concat([before, bytes.subarray(0, dropped)])));
        skip -= dropped;
        if (skip > 0) continue;
        bytes = bytes.subarray(dropped);
        if (from.check && !from.check(before)) return;
      }
      if (bytes.length === 0) continue;
      result.bytes += bytes.length;
      yield bytes;
    }
    // A gzip that ends before the resume point is not the input it was taken for.
    if (skip > 0 && from.check && !from.check(new Uint8Array(TAIL_BYTES + 1))) return;
  } catch (error) {
    // Every complete line read before the damage is kept; the caller stores the unfinished tail as a fragment.
    const code = (error as NodeJS.ErrnoException).code;
    const truncated = code === 'Z_BUF_ERROR' || /unexpected end/i.test(describeError(error));
    result.status = truncated ? 'truncated' : probe.compressed ? 'corrupt' : 'unreadable';
    result.message = truncated
      ? `${probe.path}: compressed data ends early (truncated gzip); the lines before the damage were kept`
      : `${probe.path}: ${probe.compressed ? 'corrupt gzip data' : 'read error'} (${describeError(error)})`;
  } finally {
    stream.destroy();
    file.destroy();
  }
}

/**
 * Reads a stream ('-' is the process's stdin) to its end, gunzipping it when its first bytes say gzip. Stops (and
 * destroys the stream, or a `tail -f` pipe that never ends would hold the process open) when `signal` aborts.
 */
export async function* readStream(stream: NodeJS.ReadableStream, result: InputResult, signal?: AbortSignal): AsyncGenerator<Buffer> {
  const readable = stream as Readable;
  const first = await firstChunk(readable, signal);
  if (first === null) return;
  const raw: Readable = Readable.from(chain(first, readable));
  result.compressed = isGzipMagic(first);
  const bytes: Readable = result.compressed ? raw.pipe(createGunzip()) : raw;
  if (result.compressed) raw.on('error', (error) => bytes.destroy(error));
  const iterator = (bytes as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await untilAborted(iterator.next(), signal);
      if (next === null || next.done) break;
      // A copy of its own: the pipeline moves what it reads to its worker, and the stream's chunks are not ours.
      const chunk = Buffer.from(next.value);
      result.bytes += chunk.length;
      yield chunk;
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const truncated = result.compressed && (code === 'Z_BUF_ERROR' || /unexpected end/i.test(describeError(error)));
    result.status = truncated ? 'truncated' : result.compressed ? 'corrupt' : 'unreadable';
    result.message = truncated
      ? '-: compressed data ends early (truncated gzip); the lines before the damage were kept'
      : `-: ${result.compressed ? 'corrupt gzip data' : 'read error'} (${describeError(error)})`;
  } finally {
    void iterator.return?.();
    if (signal?.aborted) readable.destroy?.();
  }
}

async function firstChunk(readable: Readable, signal?: AbortSignal): Promise<Buffer | null> {
  const chunk = readable.read() as Buffer | string | null;
  if (chunk !== null) return typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  if (readable.readableEnded) return null;
  const ended = once(readable, 'end').then(() => null, () => null);
  const readableNow = once(readable, 'readable').then(() => (readable.read() as Buffer | string | null), () => null);
  const first = await untilAborted(Promise.race([readableNow, ended]), signal);
  if (first === null) return readable.readableEnded || signal?.aborted ? null : firstChunk(readable, signal);
  return typeof first === 'string' ? Buffer.from(first) : first;
}

async function* chain(first: Buffer, rest: Readable): AsyncGenerator<Buffer> {
  if (first.length) yield first;
  for await (const chunk of rest as AsyncIterable<Buffer>) yield chunk;
}

/**
 * `promise`, or null as soon as `signal` aborts. Unlike a race against one long-lived "aborted" promise, it
 * leaves nothing behind: each race would add a reaction to that promise holding its result (here, a chunk of
 * the input) for as long as the input lasts, which leaked every byte read from stdin.
 */
export function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T | null> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.resolve(null);
  return new Promise<T | null>((resolve, reject) => {
    const onAbort = (): void => resolve(null);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(signal.aborted ? null : value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}
