/** The screens on a real terminal (tmux): keys from /dev/tty while the logs come on stdin; q quits cleanly. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { skipWithout } from '../helpers/tools.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const socket = `wsdiag-test-${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'wsdiag-tmux-'));
const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const poll = () => new Promise((r) => setTimeout(r, 100));
let finished = false;

/**
 * Waits for what the pane shows, however long the machine takes: the test's own timeout is the only bound
 * (no deadline of its own that a busy machine could miss). The interval is the polling rate, not a wait.
 */
async function waitFor(predicate: () => boolean): Promise<void> {
  while (!finished) {
    if (predicate()) return;
    await poll();
  }
  throw new Error('the test ended first');
}

const capture = (): string => tmux('capture-pane', '-p', '-t', 't');

afterAll(() => {
  finished = true;
  spawnSync('tmux', ['-L', socket, 'kill-server']);
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skipWithout('tmux'))('wsdiag live in tmux', () => {
  it('shows the overview, switches tabs, drills down and quits with q', async () => {
    const exitFile = join(dir, 'exit');
    tmux('new-session', '-d', '-x', '100', '-y', '30', '-s', 't', '-c', ROOT,
      // Ink draws only the last frame when CI is set (is-in-ci); a person at a terminal has no CI variable.
      `cat samples/ws-httplog.log | env -u CI node --import tsx src/cli.ts live; echo $? > ${exitFile}; sleep 60`);
    await waitFor(() => /Top findings/.test(capture()));
    expect(capture()).toMatch(/1 Overview 2 Errors/);
    expect(capture()).toMatch(/q quit\s+1-8 screens/);

    tmux('send-keys', '-t', 't', '2');
    await waitFor(() => /status cause/.test(capture()));
    tmux('send-keys', '-t', 't', 'Enter');
    await waitFor(() => /src:line\s+raw line/.test(capture()));
    tmux('send-keys', '-t', 't', 'Escape');
    await waitFor(() => /status cause/.test(capture()));

    tmux('send-keys', '-t', 't', 'q');
    await waitFor(() => existsSync(exitFile) && readFileSync(exitFile, 'utf8').trim() !== '');
    expect(readFileSync(exitFile, 'utf8').trim()).toBe('0');
  }, 120_000);
});
