/**
 * Mounts the App on fake streams of a given size (ink-testing-library's are fixed at 100 columns and no rows),
 * and waits for frames by their content: a test waits on what the screen shows, never on a timer.
 */
import { EventEmitter } from 'node:events';
import { render } from 'ink';
import { App } from '../../src/ui/App.js';
import { fixtureSource, type FixtureSource } from './fixture.js';
import type { ScreenData } from '../../src/diagnose/screen-data.js';

class FakeStdout extends EventEmitter {
  isTTY = true;
  frames: string[] = [];
  constructor(public columns: number, public rows: number) {
    super();
  }
  write = (frame: string): boolean => {
    this.frames.push(frame);
    this.emit('frame', frame);
    return true;
  };
  get last(): string {
    return this.frames[this.frames.length - 1] ?? '';
  }
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write(data: string): void {
    this.data = data;
    this.emit('readable');
  }
  read = (): string | null => {
    const d = this.data;
    this.data = null;
    return d;
  };
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

export interface Mounted {
  readonly source: FixtureSource;
  readonly stdout: FakeStdout;
  frame(): string;
  /** Writes one read's worth of keys (several keys in one string arrive together). */
  keys(text: string): void;
  /** Resolves with the first frame (the current one included) that matches; rejects after a generous timeout. */
  waitFor(match: RegExp | ((frame: string) => boolean), what?: string): Promise<string>;
  resize(columns: number, rows: number): void;
  /** Resolves when the App exits by itself (q, Ctrl-C). */
  readonly exited: Promise<unknown>;
  unmount(): void;
}

export const KEYS = {
  right: '\u001b[C', left: '\u001b[D', down: '\u001b[B', up: '\u001b[A', enter: '\r', escape: '\u001b',
  pageDown: '\u001b[6~', pageUp: '\u001b[5~', home: '\u001b[H', end: '\u001b[F', backspace: '\u007f',
  ctrl: (c: string): string => String.fromCharCode(c.toUpperCase().charCodeAt(0) - 64),
};

const WAIT_MS = 15_000;

export async function mountApp(options: { columns?: number; rows?: number; data?: ScreenData; sizes?: Record<string, number>; color?: boolean; timeZone?: string } = {}): Promise<Mounted> {
  const source = fixtureSource(options.data, options.sizes);
  const stdout = new FakeStdout(options.columns ?? 100, options.rows ?? 30);
  const stdin = new FakeStdin();
  const instance = render(<App source={source} title="test" color={options.color ?? false} timeZone={options.timeZone ?? 'UTC'} />, {
    stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, debug: true, exitOnCtrlC: false, patchConsole: false,
  });
  const waitFor = (match: RegExp | ((frame: string) => boolean), what = String(match)): Promise<string> => {
    const test = typeof match === 'function' ? match : (f: string) => match.test(f);
    if (test(stdout.last)) return Promise.resolve(stdout.last);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        stdout.off('frame', onFrame);
        reject(new Error(`no frame shows ${what}; the last one:\n${stdout.last}`));
      }, WAIT_MS);
      const onFrame = (f: string) => {
        if (!test(f)) return;
        clearTimeout(timer);
        stdout.off('frame', onFrame);
        resolve(f);
      };
      stdout.on('frame', onFrame);
    });
  };
  const mounted: Mounted = {
    source, stdout,
    exited: instance.waitUntilExit(),
    frame: () => stdout.last,
    keys: (text) => stdin.write(text),
    waitFor,
    resize: (columns, rows) => {
      stdout.columns = columns;
      stdout.rows = rows;
      stdout.emit('resize');
    },
    unmount: () => {
      instance.unmount();
      instance.cleanup();
    },
  };
  // Loaded, and the key handler attached (it is attached in the same commit that shows the data).
  await waitFor(/sessions\/s/, 'the overview');
  return mounted;
}
