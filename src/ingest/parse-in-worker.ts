/**
 * Runs a parse job on a worker thread and yields its encoded batches in order, acknowledging each one once the
 * caller has stored it (the caller's loop asks for the next). The worker is ended when the iteration ends,
 * normally or not.
 *
 * Batches come over a port of their own that this side reads only when it wants the next one
 * (receiveMessageOnPort); the worker rings the usual channel to say one is there. Batches waiting their turn
 * thus stay as the worker serialised them, outside the JavaScript heap. Taken as they arrived, they waited
 * there as objects, through a COMMIT or two, long enough to reach the old generation: with every session kept
 * as evidence, 75 MiB of old generation and 407–445 MiB of peak RSS, against 12–13 MiB and 361–378 MiB now.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort, type TransferListItem } from 'node:worker_threads';
import type { InputResult } from '../input/read-lines.js';
import type { EncodedLines } from './encode-lines.js';
import type { ParseJob } from './parse-job.js';

/** What the parse worker sends on its port, in this order: batches, then the end or an error. */
export type WorkerMessage = { batch: EncodedLines } | { done: InputResult } | { error: string };

/**
 * Starts a worker entry of this folder (`name` without extension): built JavaScript, or (tests, dev) TypeScript
 * through tsx, whose hooks a worker only gets by registering them itself before it imports the entry.
 */
export function startWorker(name: string, workerData: unknown, transferList: readonly TransferListItem[] = []): Worker {
  const self = import.meta.url;
  const options = { workerData, transferList: [...transferList] };
  if (!self.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, self), options);
  const tsx = pathToFileURL(createRequire(self).resolve('tsx/package.json').replace(/package\.json$/, 'dist/esm/api/index.mjs')).href;
  const entry = new URL(`./${name}.ts`, self).href;
  const boot = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, ...options });
}

/** What the parse worker is started with: its job, and the port it sends its messages on. */
export interface ParseWorkerData {
  readonly job: ParseJob;
  readonly out: MessagePort;
}

export async function* parseInWorker(job: ParseJob, result: InputResult): AsyncGenerator<EncodedLines> {
  const { port1: messages, port2: out } = new MessageChannel();
  const worker = startWorker('parse-worker', { job, out } satisfies ParseWorkerData, [out]);
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  let exited = false;
  const notify = (): void => {
    wake?.();
    wake = null;
  };
  // The bell: a message is waiting on `messages`.
  worker.on('message', notify);
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
      const message = receiveMessageOnPort(messages)?.message as WorkerMessage | undefined;
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
    messages.close();
    await worker.terminate();
  }
}
