/**
 * The parse worker: splits, parses and encodes the bytes the pipeline reads, on the second core, while the main
 * thread stores. Requests come on the parent port, in order; each reply goes out on the port it was given (then a
 * ring on the parent port), in the same order: one or more per request (see DecodeReply.more). See worker-client.ts.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { transferables } from './encode-lines.js';
import { LineDecoder, type DecodeRequest, type DecoderSeed } from './line-decoder.js';
import type { WorkerReply } from './worker-client.js';

const port = parentPort;
if (port) {
  const { seed, out } = workerData as { seed: DecoderSeed; out: MessagePort };
  const decoder = new LineDecoder(seed);
  const send = (reply: WorkerReply, transfer: ArrayBuffer[] = []): void => {
    out.postMessage(reply, transfer);
    port.postMessage(0);
  };
  // A request that cannot be read (its bytes were moved away already) is answered with an error, never dropped:
  // the pipeline waits for a reply to every request (its last one: DecodeReply.more false, or an error).
  port.on('messageerror', (error) => send({ error: `a request could not be read: ${error.message}` }));
  port.on('message', (request: DecodeRequest | 'stop') => {
    if (request === 'stop') {
      port.close();
      out.close();
      return;
    }
    try {
      for (const rows of decoder.decode(request)) send({ rows }, transferables(rows));
    } catch (error) {
      send({ error: (error as Error).message ?? String(error) });
    }
  });
}
