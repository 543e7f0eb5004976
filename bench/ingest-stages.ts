/**
 * Runs the first stages of wsdiag's ingest pipeline, from the built code in dist/, without DuckDB, so the
 * benchmark can tell reading time, parsing time and store time apart:
 *
 *   read   readLines(): file → latin1 → split2 → batches of lines (what ingest iterates)
 *   parse  read + createLineParser().parse() on every line + isEvidence() on sessions (what ingest computes
 *          before it calls the store)
 *
 * usage: node --import tsx bench/ingest-stages.ts FILE --stage read|parse
 * Prints one JSON object: { stage, lines, sessions, events, rejects, blank, evidence, seconds }.
 */
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { isEvidence as IsEvidence } from '../src/ingest/store-line.js';
import type { InputResult, readLines as ReadLines } from '../src/input/read-lines.js';
import type { createLineParser as CreateLineParser } from '../src/parse/parse-line.js';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Imports a built module by path (typed from its source), so the stages time exactly what `wsdiag` runs. */
const built = async <T>(path: string): Promise<T> => (await import(pathToFileURL(resolve(root, 'dist', path)).href)) as T;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { stage: { type: 'string', default: 'parse' } }, allowPositionals: true });
  const file = positionals[0];
  const stage = values.stage;
  if (!file || (stage !== 'read' && stage !== 'parse')) throw new Error('usage: ingest-stages.ts FILE --stage read|parse');

  const { readLines } = await built<{ readLines: typeof ReadLines }>('input/read-lines.js');
  const { createLineParser } = await built<{ createLineParser: typeof CreateLineParser }>('parse/parse-line.js');
  const { isEvidence } = await built<{ isEvidence: typeof IsEvidence }>('ingest/store-line.js');

  const t0 = performance.now();
  const result: InputResult = { status: 'ok', message: null, compressed: false, bytes: 0, lines: 0, fragment: null };
  const parser = createLineParser({});
  const counts = { lines: 0, sessions: 0, events: 0, rejects: 0, blank: 0, evidence: 0 };
  for await (const batch of readLines(file, result)) {
    const lines = batch.lines;
    counts.lines += lines.length;
    if (stage === 'read') continue;
    for (let i = 0; i < lines.length; i++) {
      const outcome = parser.parse(lines[i]!);
      if (outcome.kind === 'session') {
        counts.sessions++;
        if (isEvidence(outcome.session)) counts.evidence++;
      } else counts[outcome.kind === 'event' ? 'events' : outcome.kind === 'reject' ? 'rejects' : 'blank']++;
    }
  }
  if (result.status !== 'ok') throw new Error(result.message ?? result.status);
  process.stdout.write(JSON.stringify({ stage, ...counts, seconds: (performance.now() - t0) / 1000 }) + '\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`ingest-stages: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
