/**
 * The black-box test of live mode (RELIABILITY rows 9–11): a writer appends N numbered lines to a file while
 * `wsdiag live --follow F --db D` runs, through two renames and one copytruncate; live is stopped with SIGINT and
 * started again, M more lines are appended, it is stopped again: exactly N + M sessions are stored, N + M distinct.
 * It waits on what live prints (the lines it has read), never for a fixed time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, wsdiag } from '../helpers/run-cli.js';
import { waitFor } from '../helpers/wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'wsdiag-live-cli-'));
const running: ChildProcess[] = [];
afterAll(() => {
  for (const p of running) p.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const line = (n: number): string =>
  `127.0.0.1:${n} [04/Dec/2026:10:00:${String(n % 60).padStart(2, '0')}.000] fe be_ws/ws1 0/0/1/2/100 101 10 - - ---- 1/1/1/1/0 0/0 "GET /ws/${n} HTTP/1.1"\n`;

/** `wsdiag live` following `log` into `db`, and the lines it says it has read (its summary lines). */
function live(log: string, db: string): { read: () => number; stop: () => Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), 'live', '--follow', log, '--db', db, '--window', '1d', '--format', 'text'], {
    cwd: ROOT, env: { ...process.env, TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    read: () => Math.max(0, ...[...stdout.matchAll(/lines (\d+) \(/g)].map((m) => Number(m[1]))),
    async stop() {
      child.kill('SIGINT');
      return { code: await exited, stderr };
    },
  };
}

describe('live --follow F --db D, black box', () => {
  it('stores exactly N + M lines through two renames, a copytruncate and a restart', { timeout: 240_000 }, async () => {
    const log = join(dir, 'haproxy.log');
    const db = join(dir, 'live.duckdb');
    let next = 1;
    let written = 0;
    const write = (count: number, path = log): void => {
      let text = '';
      for (let i = 0; i < count; i++) text += line(next++);
      appendFileSync(path, text);
      written += count;
    };
    writeFileSync(log, '');
    const first = live(log, db);
    const caughtUp = (run: { read: () => number }, lines: number) => waitFor(() => run.read() >= lines, 120_000, `live to read ${lines} lines`);

    write(1000);
    await caughtUp(first, written);
    // Rotation by rename; a few lines still go to the old file, then to the new one.
    renameSync(log, `${log}.1`);
    write(20, `${log}.1`);
    writeFileSync(log, '');
    write(1000);
    await caughtUp(first, written);
    // copytruncate, as logrotate does it: copy, truncate, and the writer goes on at the start.
    copyFileSync(log, `${log}.2`);
    truncateSync(log, 0);
    write(1000);
    await caughtUp(first, written);
    // A second rename.
    renameSync(log, `${log}.3`);
    writeFileSync(log, '');
    write(500);
    await caughtUp(first, written);
    const stopped = await first.stop();
    expect(stopped.code, stopped.stderr).toBe(0);
    const n = written;

    // Started again: it goes on where it stopped; M more lines.
    const second = live(log, db);
    write(700);
    await caughtUp(second, 700);
    const again = await second.stop();
    expect(again.code, again.stderr).toBe(0);

    const counted = await wsdiag('query', 'SELECT count(*) AS n, count(DISTINCT client_port) AS d, min(client_port) AS lo, max(client_port) AS hi FROM sessions', '--db', db, '--format', 'json');
    expect(JSON.parse(counted.stdout)).toEqual([{ n: n + 700, d: n + 700, lo: 1, hi: n + 700 }]);
    // The copytruncate was recorded (nothing was lost: the copy held what was not read yet).
    const truncations = await wsdiag('query', "SELECT kind, lost_bytes FROM input_events WHERE kind = 'truncated'", '--db', db, '--format', 'json');
    expect(JSON.parse(truncations.stdout)).toEqual([{ kind: 'truncated', lost_bytes: 0 }]);
  });
});
