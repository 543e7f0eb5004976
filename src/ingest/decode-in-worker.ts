/**
 * The live follower's decoder: a ChunkDecoder on a worker thread (the main thread only stores and draws), or on
 * the main thread where asked. Replies come back in the order of the requests.
 */
import type { Worker } from 'node:worker_threads';
import { ChunkDecoder, type DecodeRequest, type DecoderOptions } from './chunk-decoder.js';
import type { EncodedLines } from './encode-lines.js';
import { startWorker } from './parse-in-worker.js';

export interface LiveDecoder {
  /** The rows of the lines this request completes. A chunk is copied: the caller may reuse its buffer. */
  decode(request: DecodeRequest): Promise<EncodedLines>;
  /** Ends the worker; requests not answered yet are refused. */
  close(): Promise<void>;
}

export function decodeOnMainThread(options: DecoderOptions): LiveDecoder {
  const decoder = new ChunkDecoder(options);
  return {
    decode: async (request) => decoder.decode('chunk' in request ? { input: request.input, chunk: Buffer.from(request.chunk) } : request),
    close: async () => undefined,
  };
}

export function decodeInWorker(options: DecoderOptions): LiveDecoder {
  const worker: Worker = startWorker('follow-worker', options);
  const waiting: { resolve: (rows: EncodedLines) => void; reject: (error: Error) => void }[] = [];
  let failure: Error | null = null;
  const fail = (error: Error): void => {
    failure ??= error;
    for (const w of waiting.splice(0)) w.reject(failure);
  };
  worker.on('message', (reply: { rows: EncodedLines } | { error: string }) => {
    const next = waiting.shift();
    if (!next) return;
    if ('rows' in reply) next.resolve(reply.rows);
    else next.reject(new Error(reply.error));
  });
  worker.on('error', (error) => fail(error));
  worker.on('exit', (code) => fail(new Error(`the live worker stopped (exit code ${code})`)));
  return {
    decode(request) {
      if (failure) return Promise.reject(failure);
      return new Promise<EncodedLines>((resolve, reject) => {
        waiting.push({ resolve, reject });
        if ('chunk' in request) {
          // A copy of its own, moved to the worker: the caller's buffer may be a reused one or a slice of a pool.
          const copy = new Uint8Array(request.chunk);
          worker.postMessage({ input: request.input, chunk: copy }, [copy.buffer]);
        } else worker.postMessage(request);
      });
    },
    async close() {
      fail(new Error('the live decoder is closed'));
      await worker.terminate();
    },
  };
}
