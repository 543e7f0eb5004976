/**
 * The main thread's side of the parse worker: requests go out in order, replies come back in the same order.
 *
 * Replies come over a port of their own that this side reads only when the store wants the next one
 * (receiveMessageOnPort); the worker rings the usual channel to say one is there. Replies waiting their turn thus
 * stay as the worker serialised them, outside the JavaScript heap: taken as they arrived, they waited as objects
 * through a COMMIT or two, long enough to reach V8's old generation (the peak grew by tens of MB).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type TransferListItem } from 'node:worker_threads';
import { LineDecoder, type DecodeReply, type DecodeRequest, type DecoderSeed } from './line-decoder.js';

/** What the worker sends for each request. */
export type WorkerReply = { rows: DecodeReply } | { error: string };

export interface Decoder {
  /** Queues a request. Bytes are moved to the worker: the caller must not use them again. */
  send(request: DecodeRequest): void;
  /** The next reply to the oldest request not answered yet (a request must have been sent); see DecodeReply.more. */
  next(): Promise<DecodeReply>;
  /** Requests sent whose last reply was not taken yet. */
  readonly pending: number;
  /** Ends the worker; replies not taken are dropped. */
  close(): Promise<void>;
}

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

/** A chunk's own ArrayBuffer, to move; a copy when it is a view into a larger (pooled or reused) one. */
function movable(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer ? bytes : new Uint8Array(bytes);
}

export function decodeInWorker(seed: DecoderSeed): Decoder {
  const { port1: replies, port2: out } = new MessageChannel();
  const worker = startWorker('parse-worker', { seed, out }, [out]);
  let pending = 0;
  let failure: Error | null = null;
  let exited = false;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    wake?.();
    wake = null;
  };
  // The bell: a reply is waiting on `replies`.
  worker.on('message', notify);
  worker.on('error', (error) => {
    failure ??= error;
    notify();
  });
  worker.on('exit', (code) => {
    exited = true;
    if (code !== 0) failure ??= new Error(`the parse worker stopped (exit code ${code})`);
    notify();
  });
  return {
    get pending() {
      return pending;
    },
    send(request) {
      if (failure) throw failure;
      if (request.op === 'bytes') {
        const bytes = movable(request.bytes);
        worker.postMessage({ ...request, bytes }, [bytes.buffer as ArrayBuffer]);
      } else worker.postMessage(request);
      // Counted once it is on its way: a request that could not be sent has no reply to wait for.
      pending++;
    },
    async next() {
      for (;;) {
        const message = receiveMessageOnPort(replies)?.message as WorkerReply | undefined;
        if (message) {
          if ('error' in message) {
            pending--;
            throw new Error(message.error);
          }
          if (!message.rows.more) pending--;
          return message.rows;
        }
        if (failure) throw failure;
        if (exited) throw new Error('the parse worker ended before it answered');
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    async close() {
      failure ??= new Error('the parse worker is closed');
      replies.close();
      await worker.terminate();
    },
  };
}

/** The same decoder on the main thread (tests, and where a worker cannot start): decodes when a reply is taken. */
export function decodeOnMainThread(seed: DecoderSeed): Decoder {
  const decoder = new LineDecoder(seed);
  const queue: DecodeRequest[] = [];
  /** Replies of the request being answered, not taken yet. */
  let ready: DecodeReply[] = [];
  return {
    get pending() {
      return queue.length + (ready.length > 0 ? 1 : 0);
    },
    send(request) {
      queue.push(request.op === 'bytes' ? { ...request, bytes: Buffer.from(request.bytes) } : request);
    },
    async next() {
      if (ready.length === 0) {
        const request = queue.shift();
        if (!request) throw new Error('no request to answer');
        ready = decoder.decode(request);
      }
      return ready.shift()!;
    },
    async close() {
      queue.length = 0;
      ready = [];
    },
  };
}
