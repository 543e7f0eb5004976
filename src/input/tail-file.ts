/**
 * A file followed as `tail -F` follows it, by name:
 * - a file that appears later is waited for;
 * - rotation by rename: what is written to the old file until the new one appears is read to its end, then the
 *   new file from its start (each file is a content of its own);
 * - truncation in place (copytruncate): detected by what was read, not only by the size. After each read, and
 *   at each look while idle, the bytes just before the read position must still be those read there; when the
 *   writer has already grown the file back past that position, the size alone would not tell, and the new content
 *   would be read from the wrong place. What was written before the truncation and not read yet is taken from the
 *   copy, when one sits beside the file (logrotate's `copytruncate` makes `haproxy.log.1` first): a plain file whose
 *   name starts with this one's and whose bytes before the read position are the ones read. The content then ends
 *   with a truncation (with what was recovered, and how many bytes at least are lost: written after the copy was
 *   made, or with no copy found), and the new one is read from its start.
 * Each content is announced with its first bytes, and read from where `start` says (a resumed content from its
 * stored offset). Nothing is read twice. Polled with fstat/stat (inotify misses renames across filesystems and
 * does not work on every filesystem a log lives on).
 */
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FINGERPRINT_BYTES } from './fingerprint.js';
import { describeError, READ_CHUNK_BYTES } from './read-source.js';
import { TAIL_BYTES } from './split-lines.js';

/** A content of the followed file, as its reader announces it. */
export interface FollowedContent {
  readonly path: string;
  /** Its first bytes (fewer while it is shorter than FINGERPRINT_BYTES; updated as it grows). */
  head: Buffer;
  readonly size: number;
  readonly mtimeMs: number;
  /** The bytes at [position, position + length) of this content (fewer past its end). */
  readAt(position: number, length: number): Promise<Buffer>;
}

export type TailEvent =
  /** A new content starts (the file appeared, was rotated or truncated): its bytes follow from the offset `start` chose. */
  | { readonly type: 'open'; readonly content: FollowedContent; readonly offset: number }
  | { readonly type: 'bytes'; readonly bytes: Buffer }
  /** No byte came for idleMs after some did: an unfinished line may be stored as partial. */
  | { readonly type: 'idle' }
  /** The current content ended: renamed away and read to its end. */
  | { readonly type: 'rotated' }
  /**
   * The current content was truncated in place after `offset` bytes of it were read. Bytes written before that and
   * not read yet were read from the copy `recoveredFrom` (`recoveredBytes` of them, sent as 'bytes' before this
   * event) when there was one; at least `lostBytes` more had been written (the largest size seen), which are gone.
   */
  | { readonly type: 'truncated'; readonly offset: number; readonly recoveredFrom: string | null; readonly recoveredBytes: number; readonly lostBytes: number }
  | { readonly type: 'waiting'; readonly message: string }
  | { readonly type: 'error'; readonly message: string };

export interface TailOptions {
  /** Where to read a new content from (0, a resume point, or near the end of a big file). */
  readonly start: (content: FollowedContent) => Promise<number>;
  readonly signal: AbortSignal;
  /** How often the file is looked at while nothing comes. */
  readonly pollMs?: number;
  /** After how long without a byte an unfinished line may be stored as partial. */
  readonly idleMs?: number;
  readonly chunkBytes?: number;
}

export const DEFAULT_POLL_MS = 100;
/** See TailOptions.idleMs: HAProxy's lines come whole; a writer stalled mid-line for 5 s is not writing one. */
export const DEFAULT_IDLE_MS = 5000;

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

const identityOf = (s: { dev: number; ino: number }): string => `${s.dev}:${s.ino}`;

/**
 * The copy of a content truncated in place, if one sits beside it: a plain file named like it (`haproxy.log.1`,
 * `haproxy.log-20261204`) that begins as it did and holds the bytes read before its read position.
 */
async function findCopy(content: OpenContent): Promise<{ path: string; handle: FileHandle } | null> {
  const dir = dirname(content.path);
  const name = basename(content.path);
  const head = content.head.subarray(0, Math.min(content.head.length, content.offset));
  for (const entry of (await readdir(dir)).filter((e) => e !== name && e.startsWith(name)).sort()) {
    const path = join(dir, entry);
    let handle: FileHandle | null = null;
    try {
      handle = await open(path, 'r');
      const st = await handle.stat();
      if (!st.isFile() || st.size < content.offset || identityOf(st) === content.identity) continue;
      const readAt = async (position: number, length: number): Promise<Buffer> => {
        const out = Buffer.alloc(length);
        const { bytesRead } = await handle!.read(out, 0, length, position);
        return out.subarray(0, bytesRead);
      };
      if (!(await readAt(0, head.length)).equals(head)) continue;
      if (!(await content.holdsTail(readAt))) continue;
      const found = { path, handle };
      handle = null;
      return found;
    } finally {
      await handle?.close();
    }
  }
  return null;
}

/** One open content: its handle, where it is read, and the last bytes read (its identity at that point). */
class OpenContent implements FollowedContent {
  head: Buffer = Buffer.alloc(0);
  /** The last bytes read, up to TAIL_BYTES, ending at `offset`. */
  private tail: Buffer = Buffer.alloc(0);
  offset = 0;
  /** The largest size seen: what was written, at least. */
  seenSize: number;

  constructor(
    readonly path: string,
    readonly handle: FileHandle,
    readonly identity: string,
    readonly size: number,
    readonly mtimeMs: number,
  ) {
    this.seenSize = size;
  }

  async readAt(position: number, length: number): Promise<Buffer> {
    const out = Buffer.alloc(length);
    const { bytesRead } = await this.handle.read(out, 0, length, position);
    return out.subarray(0, bytesRead);
  }

  /** Starts reading at `offset`, whose preceding bytes are taken as they are now. */
  async seek(offset: number): Promise<void> {
    this.offset = offset;
    this.tail = offset > 0 ? await this.readAt(Math.max(0, offset - TAIL_BYTES), Math.min(offset, TAIL_BYTES)) : Buffer.alloc(0);
    if (this.head.length < FINGERPRINT_BYTES) this.head = await this.readAt(0, FINGERPRINT_BYTES);
  }

  /** Whether the bytes before `offset` are still the ones read there (false: truncated, maybe grown back). */
  async intact(): Promise<boolean> {
    if (this.tail.length === 0) return (await this.handle.stat()).size >= this.offset;
    const now = await this.readAt(this.offset - this.tail.length, this.tail.length);
    return now.equals(this.tail);
  }

  /** Whether another file holds, before `offset`, the bytes this content held there when they were read. */
  async holdsTail(readAt: (position: number, length: number) => Promise<Buffer>): Promise<boolean> {
    return (await readAt(this.offset - this.tail.length, this.tail.length)).equals(this.tail);
  }

  /** Took `bytes`, read at `offset`. */
  took(bytes: Buffer): void {
    if (this.offset < FINGERPRINT_BYTES && this.head.length === this.offset) {
      this.head = Buffer.concat([this.head, bytes.subarray(0, FINGERPRINT_BYTES - this.offset)]);
    }
    this.offset += bytes.length;
    this.tail = bytes.length >= TAIL_BYTES ? Buffer.from(bytes.subarray(bytes.length - TAIL_BYTES)) : Buffer.concat([this.tail, bytes]).subarray(-TAIL_BYTES);
    if (this.offset > this.seenSize) this.seenSize = this.offset;
  }
}

/** Follows `path` until `options.signal` aborts. */
export async function* tailFile(path: string, options: TailOptions): AsyncGenerator<TailEvent> {
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  const chunkBytes = options.chunkBytes ?? READ_CHUNK_BYTES;
  const signal = options.signal;
  let current: OpenContent | null = null;
  let waitingSaid = false;
  /** When the last byte came; null once idle was announced (or before any byte). */
  let lastByteAt: number | null = null;

  const openContent = async (): Promise<OpenContent | null> => {
    let handle: FileHandle | null = null;
    try {
      handle = await open(path, 'r');
      const st = await handle.stat();
      if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      return new OpenContent(path, handle, identityOf(st), st.size, st.mtimeMs);
    } catch (error) {
      await handle?.close();
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  };

  try {
    while (!signal.aborted) {
      if (!current) {
        current = await openContent();
        if (!current) {
          if (!waitingSaid) yield { type: 'waiting', message: `${path}: no such file (waiting for it)` };
          waitingSaid = true;
          await sleep(pollMs, signal);
          continue;
        }
        waitingSaid = false;
        await current.seek(0);
        const offset = await options.start(current);
        await current.seek(offset);
        yield { type: 'open', content: current, offset };
      }
      const content: OpenContent = current;
      // Read what there is, checking before and after each read that the file was not truncated under us.
      const buffer = Buffer.allocUnsafe(chunkBytes);
      const { bytesRead } = await content.handle.read(buffer, 0, chunkBytes, content.offset);
      if (bytesRead > 0) {
        if (!(await content.intact())) {
          // Truncated under the read: what it returned may be the new content; the old one had at least this much.
          content.seenSize = Math.max(content.seenSize, content.offset + bytesRead);
          yield* truncated(content);
          current = null;
          continue;
        }
        const bytes = Buffer.from(buffer.subarray(0, bytesRead));
        content.took(bytes);
        lastByteAt = Date.now();
        yield { type: 'bytes', bytes };
        continue;
      }
      // At the end: look again after a while.
      if (lastByteAt !== null && Date.now() - lastByteAt >= idleMs) {
        lastByteAt = null;
        yield { type: 'idle' };
      }
      await sleep(pollMs, signal);
      if (signal.aborted) break;
      const size = (await content.handle.stat()).size;
      if (size < content.offset || !(await content.intact())) {
        yield* truncated(content);
        current = null;
        continue;
      }
      if (size > content.seenSize) content.seenSize = size;
      const named = await stat(path).catch(() => null);
      // Renamed away and not replaced yet: go on reading the old file meanwhile.
      if (named === null || identityOf(named) === content.identity) continue;
      // Rotated by rename: what was written to the old file before it moved, then the new one.
      yield* toTheEnd(content.handle, content);
      yield { type: 'rotated' };
      await content.handle.close();
      current = null;
    }
  } catch (error) {
    yield { type: 'error', message: `${path}: ${describeError(error)}` };
  } finally {
    await current?.handle.close();
  }

  /** The bytes of `handle` from the content's read position to the end, taken as the content's. */
  async function* toTheEnd(handle: FileHandle, content: OpenContent): AsyncGenerator<TailEvent> {
    const buffer = Buffer.allocUnsafe(chunkBytes);
    for (;;) {
      const { bytesRead: n } = await handle.read(buffer, 0, chunkBytes, content.offset);
      if (n === 0) return;
      const bytes = Buffer.from(buffer.subarray(0, n));
      content.took(bytes);
      yield { type: 'bytes', bytes };
    }
  }

  async function* truncated(content: OpenContent): AsyncGenerator<TailEvent> {
    const offset = content.offset;
    let recoveredFrom: string | null = null;
    const copy = await findCopy(content).catch(() => null);
    if (copy) {
      recoveredFrom = copy.path;
      try {
        yield* toTheEnd(copy.handle, content);
      } finally {
        await copy.handle.close();
      }
    }
    yield { type: 'truncated', offset, recoveredFrom, recoveredBytes: content.offset - offset, lostBytes: Math.max(0, content.seenSize - content.offset) };
    await content.handle.close();
  }
}
