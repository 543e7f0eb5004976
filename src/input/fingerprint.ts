/**
 * Identity of what was read, by content, so that reading an input again (the same file grown, its rotated copy,
 * a .gz of it, a followed file after a restart) stores no line twice and skips none:
 * - the head: a hash of its first bytes (after decompression) says which stored source an input may continue;
 * - the resume point: a hash of the bytes just before the stored offset says that it really does. Two files that
 *   share their first KiB (a start-up banner, then traffic) differ there, and the second is read as new.
 */
import { createHash } from 'node:crypto';
import { TAIL_BYTES } from './split-lines.js';

export const FINGERPRINT_BYTES = 1024;

export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** What the store knows of a source it holds lines of. */
export interface KnownSource {
  readonly sourceId: number;
  readonly path: string;
  readonly fingerprint: string;
  readonly fingerprintBytes: number;
  /** Lines stored (the next one is line lines + 1). */
  readonly lines: number;
  /** Where its lines stored so far end (bytes after decompression); null in stores written before offsets were kept. */
  readonly offset: number | null;
  readonly tailHash: string | null;
  readonly tailBytes: number;
  /** The offset lies inside a line stored as partial. */
  readonly insideLine: boolean;
}

/** Known sources whose head is the start of `head`. */
export function headMatches(head: Uint8Array, known: Iterable<KnownSource>): KnownSource[] {
  const out: KnownSource[] = [];
  for (const k of known) {
    if (k.fingerprintBytes > 0 && k.fingerprintBytes <= head.length && hashBytes(head.subarray(0, k.fingerprintBytes)) === k.fingerprint) out.push(k);
  }
  // The furthest first: a source that grew was stored again and again under one id, but ids of other runs may
  // hold shorter reads of the same content.
  return out.sort((a, b) => (b.offset ?? -1) - (a.offset ?? -1) || b.lines - a.lines);
}

/** Whether `tail` (the bytes just before a known source's offset, as read now) is what was stored. */
export function tailMatches(known: KnownSource, tail: Uint8Array): boolean {
  if (known.offset === null || known.tailHash === null) return false;
  return tail.length === known.tailBytes && hashBytes(tail) === known.tailHash;
}

/** The tail of `bytes`: at most TAIL_BYTES. */
export function lastBytes(bytes: Uint8Array): Uint8Array {
  return bytes.subarray(Math.max(0, bytes.length - TAIL_BYTES));
}
