import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/ui/App.js';
import { helpEntries, KEY_BINDINGS } from '../../src/ui/key-bindings.js';
import { SCREENS } from '../../src/ui/screens.js';
import { DATA, fixtureSource, tick } from './fixture.js';

const KEYS = { right: '\u001b[C', left: '\u001b[D', down: '\u001b[B', up: '\u001b[A', enter: '\r', escape: '\u001b' };
const ESC = '\u001b';

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

async function mount() {
  const source = fixtureSource();
  const app = render(<App source={source} title="test" color={false} />);
  cleanup = app.unmount;
  await tick();
  return { ...app, source, frame: () => app.lastFrame() ?? '' };
}

async function press(app: { stdin: { write(s: string): void } }, ...keys: string[]) {
  for (const k of keys) {
    app.stdin.write(k);
    await tick();
  }
}

/** A line of each screen that only it shows. */
const MARKS: Record<(typeof SCREENS)[number]['id'], RegExp> = {
  overview: /Top findings/,
  errors: /timeout\.upgrade/,
  disconnects: /timeout tunnel 2 s/,
  sticky: /down server 3/,
  tunnels: /<100ms\s+█+\s+5/,
  events: /server\.down/,
  query: /SQL>/,
  rejects: /unknown_format/,
};

describe('App', () => {
  it('renders the overview from a fixture analysis', async () => {
    const app = await mount();
    const frame = app.frame();
    expect(frame).toMatch(/sessions\/s 2\.5/);
    expect(frame).toMatch(/upgrades\/s 1\.5/);
    // 5xx/s per cause as sparklines on one scale (peak 4/s): 0 1 2 4 0 0 -> blank ▂ ▄ █ blank blank.
    expect(frame).toMatch(/5xx\/s by cause \(1 s a column, peak 4\.0\/s\)/);
    expect(frame).toMatch(/no-server +▂▄█ {3}0\.0\/s now, 7 in all/);
    expect(frame).toMatch(/server\.hangup .* {4}▂▂ 1\.0\/s now, 2 in all/);
    expect(frame).not.toContain(ESC);
    expect(frame).toMatch(/open tunnels ~42/);
    expect(frame).toMatch(/lines\/s 12/);
    expect(frame).toMatch(/lag 300 ms/);
    expect(frame).toMatch(/critical/);
  });

  it.each(SCREENS.map((s, i) => [s.id, i] as const))('number key %s switches to its screen', async (id, i) => {
    const app = await mount();
    await press(app, String(i + 1));
    expect(app.frame()).toMatch(MARKS[id]);
    expect(app.frame()).not.toContain(ESC);
  });

  it('left and right arrows cycle the tabs', async () => {
    const app = await mount();
    await press(app, KEYS.right);
    expect(app.frame()).toMatch(MARKS.errors);
    await press(app, KEYS.left, KEYS.left);
    expect(app.frame()).toMatch(MARKS.rejects);
  });

  it('escapes control characters from logged text on every screen', async () => {
    const app = await mount();
    for (let i = 1; i <= SCREENS.length; i++) {
      await press(app, String(i));
      const frame = app.frame();
      expect(frame).not.toContain(ESC);
      expect(frame).not.toContain('\u0007');
    }
    await press(app, '8');
    expect(app.frame()).toContain('\\x1b]0;pwned\\x07\\x1b[2J');
  });

  it('Enter drills down to the raw lines of the selected row, escaped', async () => {
    const app = await mount();
    await press(app, '2', KEYS.down, KEYS.up, KEYS.enter);
    expect(app.source.drills[0]).toEqual({ kind: 'error', status: 503, cause: 'no-server', backend: 'be_hc', server: '<NOSRV>' });
    expect(app.frame()).toMatch(/1:3/);
    expect(app.frame()).toContain('\\x1b[2J');
    expect(app.frame()).not.toContain(ESC);
    await press(app, KEYS.escape);
    expect(app.frame()).toMatch(MARKS.errors);
  });

  it('down selects the next row', async () => {
    const app = await mount();
    await press(app, '2', KEYS.down, KEYS.enter);
    expect(app.source.drills[0]).toMatchObject({ cause: 'timeout.upgrade' });
  });

  it('p pauses and shows it', async () => {
    const app = await mount();
    await press(app, 'p');
    expect(app.frame()).toMatch(/PAUSED/);
    await press(app, 'p');
    expect(app.frame()).not.toMatch(/PAUSED/);
  });

  it('the Query screen takes typed SQL and shows the result escaped', async () => {
    const app = await mount();
    await press(app, '7', KEYS.enter);
    // Editing: number keys are text now, not tabs.
    for (let i = 0; i < 120; i++) app.stdin.write('\u007f');
    await tick();
    await press(app, 'SELECT 1', KEYS.enter);
    expect(app.source.sql).toEqual(['SELECT 1']);
    expect(app.frame()).toMatch(/1 row\(s\)/);
    expect(app.frame()).not.toContain(ESC);
    expect(app.frame()).toMatch(MARKS.query);
  });

  it('fits 80 columns', async () => {
    const app = await mount();
    for (let i = 1; i <= SCREENS.length; i++) {
      await press(app, String(i));
      for (const line of app.frame().split('\n')) expect([...line].length).toBeLessThanOrEqual(100);
    }
  });
});

describe('key bindings', () => {
  it('the help bar is generated from the binding table', () => {
    const labels = helpEntries('browse', 'errors').map((e) => e.label);
    expect(labels).toEqual(['q', '1-8', '←/→', '↑/↓', 'Enter', 'p']);
    for (const label of labels) expect(KEY_BINDINGS.some((b) => b.label === label)).toBe(true);
    expect(helpEntries('browse', 'query').find((e) => e.label === 'Enter')?.help).toBe('edit SQL');
    expect(helpEntries('edit', 'query').map((e) => e.label)).toEqual(['Enter', 'Esc']);
  });
});

describe('status line', () => {
  it('says when the live row budget cut the window short', async () => {
    const app = render(<App source={fixtureSource({ ...DATA, live: { ...DATA.live!, heldMs: 42_000 } })} title="test" color={false} />);
    cleanup = app.unmount;
    await tick();
    expect(app.lastFrame()).toMatch(/only the last 42(\.0)? ?s held \(row budget\)/);
  });
});
