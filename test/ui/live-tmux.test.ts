/**
 * The screens on a real terminal (tmux): keys from /dev/tty while the logs come on stdin, keys sent together,
 * 80×24, a resize, NO_COLOR, and quitting restores the terminal. Every wait is on what the pane shows.
 */
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
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the pane until it shows what is expected; the deadline only bounds a test that would hang. */
async function waitFor<T>(read: () => T, ok: (v: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last = read();
  while (!ok(last)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last:\n${String(last)}`);
    await pause(100);
    last = read();
  }
  return last;
}

afterAll(() => {
  spawnSync('tmux', ['-L', socket, 'kill-server']);
  rmSync(dir, { recursive: true, force: true });
});

interface Pane {
  readonly name: string;
  capture(escapes?: boolean): string;
  keys(...keys: string[]): void;
  /** Waits for the pane to show `re`, and returns the pane. */
  show(re: RegExp): Promise<string>;
  /** Written by the shell once wsdiag has exited: its exit code and `stty -a`. */
  exited(): Promise<{ code: string; stty: string; cursorVisible: boolean }>;
}

let sessions = 0;
/** A tmux window of the given size running `command` (a wsdiag invocation), then recording how it ended. */
function open(command: string, columns: number, rows: number, env = ''): Pane {
  const name = `t${++sessions}`;
  const exitFile = join(dir, `${name}.exit`);
  const sttyFile = join(dir, `${name}.stty`);
  // Ink draws only the last frame when CI is set (is-in-ci); a person at a terminal has no CI variable.
  tmux('new-session', '-d', '-x', String(columns), '-y', String(rows), '-s', name, '-c', ROOT,
    `${command.replace('wsdiag', `env -u CI ${env} node --import tsx src/cli.ts`)}; echo $? > ${exitFile}.tmp; stty -a > ${sttyFile}; mv ${exitFile}.tmp ${exitFile}; sleep 600`);
  const capture = (escapes = false): string => tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', name);
  return {
    name,
    capture,
    keys: (...keys) => void tmux('send-keys', '-t', name, ...keys),
    show: (re) => waitFor(() => capture(), (p) => re.test(p), String(re)),
    async exited() {
      await waitFor(() => existsSync(exitFile), Boolean, `${name} to exit`);
      return {
        code: readFileSync(exitFile, 'utf8').trim(),
        stty: readFileSync(sttyFile, 'utf8'),
        cursorVisible: tmux('display-message', '-p', '-t', name, '#{cursor_flag}').trim() === '1',
      };
    },
  };
}

const fits = (pane: string, columns: number, rows: number): boolean => {
  const lines = pane.replace(/\n$/, '').split('\n');
  return lines.length <= rows && lines.every((l) => [...l].length <= columns);
};

describe.skipIf(skipWithout('tmux'))('wsdiag on a real terminal (tmux)', () => {
  it('live with logs on stdin: tabs, keys sent together act in order, drill-down, q quits and restores the terminal', async () => {
    const pane = open('cat samples/ws-httplog.log | wsdiag live --tz UTC --config samples/ws-httplog.cfg', 120, 40);
    await pane.show(/Findings \(\d+/);
    expect(pane.capture()).toMatch(/1 Overview 2 Errors/);
    expect(pane.capture()).toMatch(/q quit +1-8 screens/);
    expect(pane.capture()).toMatch(/log time 2026-\d\d-\d\d \d\d:\d\d:\d\d – \d\d:\d\d:\d\d UTC/);

    pane.keys('2');
    const errors = await pane.show(/status +cause/);
    const first = /^> (\d+|-) +(\S+) +(\S+)/m.exec(errors)!;
    const second = /^ {2}(\d+|-) +(\S+) +(\S+)/m.exec(errors)!;
    expect(first).not.toBeNull();
    expect(second).not.toBeNull();
    // Down, Up, Enter in one send: the drill-down is the first row's, not the second's.
    pane.keys('Down', 'Up', 'Enter');
    const drill = await pane.show(/line as logged/);
    expect(drill).toContain(`${first[1]} ${first[2]} on ${first[3]}`);
    await pane.show(/ of \d+ · oldest first/);
    // Down then Enter on the errors screen again: the second row.
    pane.keys('Escape', 'Down', 'Enter');
    await pane.show(new RegExp(`${second[1]} ${second[2]!.replace(/\./g, '\\.')} on`));

    pane.keys('Escape', 'q');
    const { code, stty, cursorVisible } = await pane.exited();
    expect(code).toBe('0');
    // Raw mode is off again and the cursor is back.
    expect(stty).toMatch(/(^|\s)icanon(\s|$)/);
    expect(stty).toMatch(/(^|\s)echo(\s|$)/);
    expect(cursorVisible).toBe(true);
  }, 180_000);

  it('tui at 80×24 with NO_COLOR: every line fits, no colour, the Query field owns the keyboard; a resize redraws', async () => {
    const pane = open('wsdiag tui samples/ws-httplog.log --tz UTC', 80, 24, 'NO_COLOR=1');
    let screen = await pane.show(/Findings \(\d+/);
    expect(fits(screen, 80, 24)).toBe(true);
    // The status line is one line, the help bar the last.
    const lines = screen.replace(/\n$/, '').split('\n');
    expect(lines[lines.length - 1]).toMatch(/^q quit/);
    expect(lines[lines.length - 2]).toMatch(/log time/);
    expect(screen).toMatch(/↓ \d+ more of \d+/);
    // Inverse video marks the selection; no colour (SGR 30-37, 90-97, 38;…) anywhere.
    expect(pane.capture(true)).not.toMatch(/\u001b\[[0-9;]*(3[0-8]|9[0-7])[;m]/);

    for (const key of ['2', '3', '4', '5', '6', '8']) {
      pane.keys(key);
      screen = await pane.show(new RegExp(`${key} [A-Z]`));
      expect(fits(screen, 80, 24), `screen ${key}`).toBe(true);
    }
    // Typed SQL with letters that are commands elsewhere (p pauses, q quits, 2 is a tab), Enter in the same send.
    pane.keys('7');
    await pane.show(/SQL>/);
    pane.keys('Enter', 'C-u');
    tmux('send-keys', '-t', pane.name, '-l', 'SELECT 2 AS q, count(*) AS p FROM sessions\r');
    screen = await pane.show(/1 row\(s\)/);
    expect(screen).not.toMatch(/PAUSED/);
    expect(screen).toMatch(/q +p/);

    tmux('resize-window', '-t', pane.name, '-x', '100', '-y', '30');
    screen = await pane.show(/SQL>[\s\S]*\n.*log time/);
    await waitFor(() => pane.capture(), (p) => p.replace(/\n$/, '').split('\n').length === 30 && /q quit/.test(p.split('\n')[29] ?? ''), 'the help bar at the bottom of 30 lines');
    tmux('resize-window', '-t', pane.name, '-x', '80', '-y', '24');
    await waitFor(() => pane.capture(), (p) => fits(p, 80, 24) && /q quit/.test(p.replace(/\n$/, '').split('\n')[23] ?? ''), 'a frame of 80×24');

    pane.keys('Escape', 'q');
    const { code, cursorVisible } = await pane.exited();
    expect(code).toBe('0');
    expect(cursorVisible).toBe(true);
  }, 180_000);
});
