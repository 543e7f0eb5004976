/**
 * Runs the first stages of wsdiag's pipeline, from the built code in dist/, without DuckDB, so the benchmark can
 * tell reading time, parsing time and store time apart:
 *
 *   read   readFile(): file → chunks → the line splitter (what the pipeline reads and the worker splits)
 *   parse  read + the parse worker's work on the same thread: every line parsed and encoded into columns
 *          (--string-parser: without the fast path, every line read as a string)
 *          (LineDecoder, what the worker sends the store)
 *
 * usage: node --import tsx bench/ingest-stages.ts FILE --stage read|parse
 * Prints one JSON object: { stage, lines, sessions, events, rejects, blank, evidence, seconds }.
 */
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type * as ReadSource from '../src/input/read-source.js';
import type * as SplitLines from '../src/input/split-lines.js';
import type * as LineDecoderModule from '../src/pipeline/line-decoder.js';
import type * as SessionColumns from '../src/store/session-columns.js';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Imports a built module by path (typed from its source), so the stages time exactly what `wsdiag` runs. */
const built = async <T>(path: string): Promise<T> => (await import(pathToFileURL(resolve(root, 'dist', path)).href)) as T;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { stage: { type: 'string', default: 'parse' }, 'string-parser': { type: 'boolean', default: false } }, allowPositionals: true });
  const file = positionals[0];
  const stage = values.stage;
  if (!file || (stage !== 'read' && stage !== 'parse')) throw new Error('usage: ingest-stages.ts FILE --stage read|parse');

  const { newInputResult, probeFile, readFile } = await built<typeof ReadSource>('input/read-source.js');
  const { LineSplitter } = await built<typeof SplitLines>('input/split-lines.js');
  const { LineDecoder } = await built<typeof LineDecoderModule>('pipeline/line-decoder.js');
  const { TEXT_COLUMNS } = await built<typeof SessionColumns>('store/session-columns.js');
  /** Sessions kept as evidence: their line is in the batch's raw column. */
  const RAW = TEXT_COLUMNS.indexOf('raw');

  const t0 = performance.now();
  const result = newInputResult();
  const probe = await probeFile(file, result);
  if (!probe) throw new Error(result.message ?? result.status);
  const counts = { lines: 0, sessions: 0, events: 0, rejects: 0, blank: 0, evidence: 0 };
  const splitter = new LineSplitter(64 * 1024);
  const decoder = new LineDecoder({ parser: values['string-parser'] ? { fastPath: false } : {}, maxLineBytes: 64 * 1024, names: [], alignRows: 0, sessionRows: 0 });
  decoder.decode({ op: 'open', source: 1, start: { firstLineNo: 1, offset: 0, insideLine: false, tail: new Uint8Array(0), referenceDateMs: null, skipLines: 0 } });
  for await (const chunk of readFile(probe, { offset: 0 }, result)) {
    if (stage === 'read') {
      counts.lines += splitter.push(chunk).count;
      continue;
    }
    for (const rows of decoder.decode({ op: 'bytes', source: 1, bytes: chunk })) {
      counts.lines += rows.lines;
      counts.sessions += rows.counts.sessions;
      counts.events += rows.counts.events;
      counts.rejects += rows.counts.rejects;
      counts.blank += rows.counts.blank;
      counts.evidence += rows.evidence.length + rows.sessions.reduce((n, s) => n + s.texts[RAW]!.lengths.filter((l) => l >= 0).length, 0);
    }
  }
  if (result.status !== 'ok') throw new Error(result.message ?? result.status);
  process.stdout.write(JSON.stringify({ stage, ...counts, seconds: (performance.now() - t0) / 1000 }) + '\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`ingest-stages: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
