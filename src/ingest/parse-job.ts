/**
 * Reads and encodes one input, wherever it runs: on the ingest worker (files) or on the main thread (stdin, or
 * where no worker can start). Yields encoded batches; `result` says how the input ended once they are done.
 */
import { readLines, type InputResult } from '../input/read-lines.js';
import { seededEncoder, type EncodedLines, type EncoderSeed } from './encode-lines.js';

/** Everything a parse job needs; structured-cloneable, so it can be a worker's workerData. */
export interface ParseJob extends EncoderSeed {
  readonly path: string;
  /** Lines an earlier run stored: counted as skipped. */
  readonly skip: number;
}

export function newInputResult(): InputResult {
  return { status: 'ok', message: null, compressed: false, bytes: 0, lines: 0, fragment: null };
}

export async function* runParseJob(job: ParseJob, result: InputResult, stdin?: NodeJS.ReadableStream): AsyncGenerator<EncodedLines> {
  const encoder = seededEncoder(job, job.skip);
  for await (const batch of readLines(job.path, result, { maxLineBytes: job.maxLineBytes, ...(stdin ? { stdin } : {}) })) {
    yield encoder.encode(batch, result.compressed);
  }
}
