/**
 * The ingest worker: reads and parses one input on the second core while the main thread stores what it sends.
 * Messages out, on the port it is given: { batch } per encoded batch, then { done: InputResult } or { error },
 * each followed by a ring on the parent port (see parse-in-worker.ts). Messages in: 'ack' for
 * each batch stored; at most IN_FLIGHT batches (about 15 MB) wait unacknowledged, so memory stays bounded when
 * DuckDB is the slower side, while a commit on the main thread does not stall the parsing (8 did).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { transferables } from './encode-lines.js';
import type { ParseWorkerData, WorkerMessage } from './parse-in-worker.js';
import { newInputResult, runParseJob } from './parse-job.js';

const IN_FLIGHT = 32;

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  let inFlight = 0;
  let wake: (() => void) | null = null;
  port.on('message', (message: unknown) => {
    if (message !== 'ack') return;
    inFlight--;
    wake?.();
    wake = null;
  });
  const { job, out } = workerData as ParseWorkerData;
  const send = (message: WorkerMessage, transfer: ArrayBuffer[] = []): void => {
    out.postMessage(message, transfer);
    port.postMessage(0);
  };
  const result = newInputResult();
  try {
    for await (const batch of runParseJob(job, result)) {
      send({ batch }, transferables(batch));
      if (++inFlight >= IN_FLIGHT) await new Promise<void>((resolve) => (wake = resolve));
    }
    send({ done: result });
  } catch (error) {
    send({ error: (error as Error).message ?? String(error) });
  }
  // Nothing keeps the thread alive now: it ends once the last message is out.
  port.removeAllListeners('message');
}

void main();
