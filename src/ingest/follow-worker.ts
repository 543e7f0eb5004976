/**
 * The live worker: splits and parses the bytes the follower reads, on the second core, and sends back the
 * encoded rows, one reply per request and in order (see chunk-decoder.ts). The follower bounds how many
 * requests wait, so memory stays bounded when the store is the slower side.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ChunkDecoder, type DecodeRequest, type DecoderOptions } from './chunk-decoder.js';
import { transferables } from './encode-lines.js';

const port = parentPort;
if (port) {
  const decoder = new ChunkDecoder(workerData as DecoderOptions);
  port.on('message', (request: DecodeRequest | 'stop') => {
    if (request === 'stop') {
      port.close();
      return;
    }
    try {
      const rows = decoder.decode(request);
      port.postMessage({ rows }, transferables(rows));
    } catch (error) {
      port.postMessage({ error: (error as Error).message ?? String(error) });
    }
  });
}
