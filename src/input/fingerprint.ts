/**
 * Identity of an input by its content, so that ingesting the same file twice (or its rotated copy, or a
 * .gz of it) does not store its lines twice: a hash of the first bytes after decompression.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

export const FINGERPRINT_BYTES = 1024;

export function hashPrefix(head: Buffer, length: number): string {
  return createHash('sha256').update(head.subarray(0, length)).digest('hex');
}

/** The first FINGERPRINT_BYTES bytes of `path` after decompression (fewer for a short file); null when unreadable. */
export async function readHead(path: string, compressed: boolean): Promise<Buffer | null> {
  const parts: Buffer[] = [];
  let size = 0;
  const file = createReadStream(path, { start: 0, end: compressed ? 64 * 1024 - 1 : FINGERPRINT_BYTES - 1 });
  const stream = compressed ? file.pipe(createGunzip()) : file;
  file.on('error', (e) => stream.destroy(e));
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      parts.push(chunk);
      size += chunk.length;
      if (size >= FINGERPRINT_BYTES) break;
    }
  } catch {
    // A truncated gzip head still yields what decompressed before the error.
  } finally {
    file.destroy();
  }
  return Buffer.concat(parts).subarray(0, FINGERPRINT_BYTES);
}
