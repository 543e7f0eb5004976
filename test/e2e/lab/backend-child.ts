/** The child of backend-process.ts: one lab backend, its port sent to the parent. Killed by the parent. */
import { startBackend, type BackendOptions } from './ws-backend.js';

const opts = JSON.parse(process.argv[2] ?? '{}') as BackendOptions;
const backend = await startBackend(opts);
process.send?.({ port: backend.port });
// Lives until the parent kills it; never outlives the parent.
process.on('disconnect', () => void backend.kill().then(() => process.exit(0)));
process.on('SIGTERM', () => void backend.close().then(() => process.exit(0)));
