/**
 * Runs a parse job on a worker thread and yields its encoded batches in order, acknowledging each one once the
 * caller has stored it (the caller's loop asks for the next). The worker is ended when the iteration ends,
 * normally or not.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { InputResult } from '../input/read-lines.js';
import type { EncodedLines } from './encode-lines.js';
import type { ParseJob } from './parse-job.js';

type WorkerMessage = { batch: EncodedLines } | { done: InputResult } | { error: string };

/**
 * Starts a worker entry of this folder (`name` without extension): built JavaScript, or (tests, dev) TypeScript
 * through tsx, whose hooks a worker only gets by registering them itself before it imports the entry.
 */
export function startWorker(name: string, workerData: unknown): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, self), { workerData });
  const tsx = pathToFileURL(createRequire(self).resolve('tsx/package.json').replace(/package\.json$/, 'dist/esm/api/index.mjs')).href;
  const entry = new URL(`./${name}.ts`, self).href;
  const boot = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData });
}

export async function* parseInWorker(job: ParseJob, result: InputResult): AsyncGenerator<EncodedLines> {
  const worker = startWorker('parse-worker', job);
  const queue: WorkerMessage[] = [];
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  let exited = false;
  const notify = (): void => {
    wake?.();
    wake = null;
  };
  worker.on('message', (message: WorkerMessage) => {
    queue.push(message);
    notify();
  });
  worker.on('error', (error) => {
    failure = error;
    notify();
  });
  worker.on('exit', (code) => {
    exited = true;
    if (code !== 0) failure ??= new Error(`the ingest worker stopped (exit code ${code})`);
    notify();
  });
  try {
    for (;;) {
      const message = queue.shift();
      if (!message) {
        if (failure) throw failure;
        if (exited) throw new Error('the ingest worker ended before it finished its input');
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if ('error' in message) throw new Error(message.error);
      if ('done' in message) {
        Object.assign(result, message.done);
        return;
      }
      yield message.batch;
      worker.postMessage('ack');
    }
  } finally {
    await worker.terminate();
  }
}
