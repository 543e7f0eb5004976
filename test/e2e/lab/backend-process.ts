/**
 * A lab backend in a process of its own, so that it can really be SIGKILLed: the kernel then closes its sockets
 * the way it does for a crashed server (a FIN where nothing was left unread, not the RST that Backend.kill()
 * sends), and HAProxy logs the tunnels it carried accordingly (`----`, see NOTES.md).
 *
 *   const b = await startBackendProcess({ behaviour: 'echo', name: 's1' });
 *   await b.kill();   // SIGKILL
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Backend, BackendOptions } from './ws-backend.js';
import { parseBehaviour } from './ws-backend.js';

const CHILD = fileURLToPath(new URL('./backend-child.ts', import.meta.url));

export async function startBackendProcess(opts: BackendOptions): Promise<Backend> {
  const behaviour = typeof opts.behaviour === 'string' ? parseBehaviour(opts.behaviour) : opts.behaviour;
  const child: ChildProcess = fork(CHILD, [JSON.stringify({ ...opts, behaviour })], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('backend process did not start')), 30_000);
    child.once('message', (m) => {
      clearTimeout(timer);
      resolve((m as { port: number }).port);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`backend process exited (${code}) before listening`));
    });
  });
  let alive = true;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (!alive) return;
    alive = false;
    child.kill(signal);
    await exited;
  };
  return {
    name: opts.name ?? behaviour.kind,
    port,
    behaviour,
    events: [],
    stats: { connections: 0, upgrades: 0, plain: 0, checks: 0 },
    get alive() {
      return alive;
    },
    close: () => stop('SIGTERM'),
    kill: () => stop('SIGKILL'),
  };
}
