/**
 * A model-based test of following a file (RELIABILITY rows 2, 9–11): seeded random sequences of steps — write
 * numbered lines, rotate by rename, let the file appear later, copytruncate, gzip the old file, pause — run against
 * the real follower. Then: no line is stored twice; no line is missing except in a content truncated in place, and
 * there only at its end (what was not read before the truncation) and with the truncation recorded.
 *
 * The same 12 sequences (seeds 1–12) on every run, whatever the machine's speed, and every kind of step among
 * them; WSDIAG_MODEL_SEQUENCES=500 explores further (a soak, out of npm test). Nothing waits for a fixed time:
 * where a step needs the follower to have seen something (tail -F notices one rotation per look, as GNU tail does),
 * it waits for that in the follower's stats.
 */
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { followInputs, type Follower } from '../../src/pipeline/live-policy.js';
import { openDatabase } from '../../src/store/database.js';
import { waitFor } from '../helpers/wait-for.js';

/** Deterministic PRNG. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

const line = (n: number): string =>
  `127.0.0.1:${n} [04/Dec/2026:10:00:${String(n % 60).padStart(2, '0')}.000] fe be_ws/ws1 0/0/1/2/100 101 10 - - ---- 1/1/1/1/0 0/0 "GET /ws/${n} HTTP/1.1"`;

const STEPS = ['write', 'rename', 'appear-later', 'copytruncate', 'copytruncate-compress', 'gzip-old', 'pause'] as const;
type Step = (typeof STEPS)[number];

interface Content {
  /** Numbers of the lines written to it, in order. */
  readonly lines: number[];
  /** Truncated in place (copytruncate) after these many of its lines. */
  truncatedAfter: number | null;
}

async function runSequence(seed: number): Promise<{ steps: Step[]; problems: string[] }> {
  const random = rng(seed);
  const dir = mkdtempSync(join(tmpdir(), 'wsdiag-model-'));
  const path = join(dir, 'haproxy.log');
  const db = await openDatabase(null);
  const steps: Step[] = [];
  const problems: string[] = [];
  let follower: Follower | null = null;
  try {
    writeFileSync(path, '');
    follower = await followInputs(db, [{ path, follow: true }], { windowMs: 86_400_000, timeZone: 'UTC', flushMs: 50, pollMs: 5, idleMs: 600_000 });
    const f = follower;
    const stats = () => f.stats().inputs[0]!;
    const contents: Content[] = [{ lines: [], truncatedAfter: null }];
    const current = () => contents[contents.length - 1]!;
    const rotated: string[] = [];
    let next = 1;
    let missing = false;
    /** The follower reads the content being written, to its end. */
    const caughtUp = () => waitFor(() => !missing && stats().contents === contents.length && stats().readOffset === statSync(path).size && f.stats().queuedLines === 0, 60_000, 'the follower to catch up');
    await waitFor(() => stats().contents === 1);

    const count = 12 + Math.floor(random() * 12);
    for (let k = 0; k < count; k++) {
      const r = random();
      const step: Step = missing ? 'appear-later'
        : r < 0.42 ? 'write' : r < 0.56 ? 'rename' : r < 0.63 ? 'appear-later' : r < 0.73 ? 'copytruncate' : r < 0.8 ? 'copytruncate-compress'
          : r < 0.9 ? 'gzip-old' : 'pause';
      steps.push(step);
      switch (step) {
        case 'write': {
          const n = 1 + Math.floor(random() * 300);
          const text: string[] = [];
          for (let i = 0; i < n; i++) {
            current().lines.push(next);
            text.push(line(next++));
          }
          appendFileSync(path, text.join('\n') + '\n');
          break;
        }
        case 'rename':
        case 'appear-later': {
          const opened = stats().contents;
          const old = `${path}.${rotated.length + 1}`;
          if (!missing) {
            renameSync(path, old);
            rotated.push(old);
            // Written to the old file after it moved: still read.
            current().lines.push(next);
            appendFileSync(old, line(next++) + '\n');
          }
          if (step === 'appear-later' && !missing) {
            missing = true;
            break;
          }
          missing = false;
          contents.push({ lines: [], truncatedAfter: null });
          writeFileSync(path, '');
          // tail -F sees one rotation per look: the next one waits until this one was seen.
          await waitFor(() => stats().contents === opened + 1, 60_000, 'the rotation to be seen');
          break;
        }
        case 'copytruncate':
        case 'copytruncate-compress': {
          // Only once the follower read some of it: a content truncated before any byte of it was read cannot be
          // told from its successor (and then nothing of it was read twice or placed wrong, only lost).
          if (stats().readOffset === 0 || current().lines.length === 0) break;
          const opened = stats().contents;
          const copy = `${path}.${rotated.length + 1}`;
          copyFileSync(path, copy);
          truncateSync(path, 0);
          if (step === 'copytruncate-compress') {
            // logrotate's compress without delaycompress: the copy is gzipped at once, so no plain copy is left to
            // read what the follower had not read yet.
            writeFileSync(`${copy}.gz`, gzipSync(readFileSync(copy)));
            unlinkSync(copy);
            rotated.push(`${copy}.gz`);
          } else rotated.push(copy);
          current().truncatedAfter = current().lines.length;
          contents.push({ lines: [], truncatedAfter: null });
          const n = Math.floor(random() * 50);
          if (n > 0) {
            const text: string[] = [];
            for (let i = 0; i < n; i++) {
              current().lines.push(next);
              text.push(line(next++));
            }
            appendFileSync(path, text.join('\n') + '\n');
          }
          // One truncation per look, as for renames.
          await waitFor(() => stats().contents === opened + 1, 60_000, 'the truncation to be seen');
          break;
        }
        case 'gzip-old': {
          const old = rotated.find((p) => !p.endsWith('.gz'));
          if (!old) break;
          writeFileSync(`${old}.gz`, gzipSync(readFileSync(old)));
          unlinkSync(old);
          rotated[rotated.indexOf(old)] = `${old}.gz`;
          break;
        }
        case 'pause':
          await caughtUp();
          break;
      }
    }
    if (missing) {
      contents.push({ lines: [], truncatedAfter: null });
      writeFileSync(path, '');
      missing = false;
    }
    await caughtUp();
    f.stop();
    const final = await f.done;
    if (final.failure) problems.push(`failed: ${final.failure}`);

    const storedLines = (await db.query('SELECT client_port AS n FROM sessions ORDER BY client_port')).rows.map((r) => Number(r['n']));
    const seen = new Set<number>();
    for (const n of storedLines) {
      if (seen.has(n)) problems.push(`line ${n} stored twice`);
      seen.add(n);
    }
    const truncations = Number((await db.query("SELECT count(*) AS n FROM input_events WHERE kind = 'truncated'")).rows[0]!['n']);
    const truncatedContents = contents.filter((c) => c.truncatedAfter !== null).length;
    if (truncations !== truncatedContents) problems.push(`${truncatedContents} contents truncated in place, ${truncations} truncations recorded`);
    contents.forEach((c, i) => {
      const lost = c.lines.filter((n) => !seen.has(n));
      if (lost.length === 0) return;
      if (c.truncatedAfter === null) {
        problems.push(`content ${i} (not truncated) lost lines ${lost.slice(0, 5).join(', ')}…`);
        return;
      }
      // Lost only at the end of what it held before the truncation: the lines the follower had not read yet.
      const before = c.lines.slice(0, c.truncatedAfter);
      const suffix = before.slice(before.length - lost.length);
      if (lost.some((n) => !before.includes(n)) || suffix.join() !== lost.join()) problems.push(`content ${i} lost lines that are not its unread end: ${lost.slice(0, 5).join(', ')}…`);
    });
  } finally {
    follower?.stop();
    await follower?.done.catch(() => undefined);
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return { steps, problems };
}

describe('following a file through random rotations (model-based)', () => {
  it('stores no line twice and loses none but the unread end of a content truncated in place, which is recorded', { timeout: 180_000 }, async () => {
    const sequences = Number(process.env['WSDIAG_MODEL_SEQUENCES'] ?? 12);
    const failures: string[] = [];
    const seen = new Set<Step>();
    for (let seed = 1; seed <= sequences; seed++) {
      const { steps, problems } = await runSequence(seed);
      for (const step of steps) seen.add(step);
      if (problems.length) failures.push(`seed ${seed} (${steps.join(' ')}): ${problems.join('; ')}`);
    }
    expect(failures).toEqual([]);
    expect([...seen].sort()).toEqual([...STEPS].sort());
  });
});
