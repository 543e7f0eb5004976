/** The screens through Ink with typed keys: every screen and key, frames waited for by their content. */
import { afterEach, describe, expect, it } from 'vitest';
import { helpEntries, KEY_BINDINGS } from '../../src/ui/key-bindings.js';
import { PAGE_LINES } from '../../src/ui/drill-state.js';
import { SCREENS } from '../../src/ui/screens.js';
import { ANALYSIS, DATA } from './fixture.js';
import { KEYS, mountApp, type Mounted } from './render-app.js';

const ESC = '\u001b';

let app: Mounted | null = null;
afterEach(() => {
  app?.unmount();
  app = null;
});

async function mount(options: Parameters<typeof mountApp>[0] = {}): Promise<Mounted> {
  app = await mountApp(options);
  return app;
}

/** A line of each screen that only it shows. */
const MARKS: Record<(typeof SCREENS)[number]['id'], RegExp> = {
  overview: /Findings \(/,
  errors: /timeout\.upgrade/,
  disconnects: /timeout tunnel 2 s/,
  sticky: /down server 3/,
  tunnels: /backend \/ server/,
  events: /server\.down/,
  query: /SQL>/,
  rejects: /unknown_format/,
};

const width = (line: string): number => [...line].length;

describe('App', () => {
  it('renders the overview from a fixture analysis', async () => {
    const frame = (await mount()).frame();
    expect(frame).toMatch(/sessions\/s 2\.5/);
    expect(frame).toMatch(/upgrades\/s 1\.5/);
    // 5xx/s per cause as sparklines on one scale (peak 4/s): 0 1 2 4 0 0 -> blank ▂ ▄ █ blank blank.
    expect(frame).toMatch(/5xx\/s by cause \(1 s a column, peak 4\.0\/s\)/);
    expect(frame).toMatch(/no-server +▂▄█ {3}0\.0\/s now, 7 in all/);
    expect(frame).not.toContain(ESC);
    expect(frame).toMatch(/open tunnels ~42/);
    expect(frame).toMatch(/lines\/s 12/);
    expect(frame).toMatch(/lag 300 ms/);
    expect(frame).toMatch(/critical/);
  });

  it.each(SCREENS.map((s, i) => [s.id, i] as const))('number key %s switches to its screen', async (id, i) => {
    const a = await mount();
    a.keys(String(i + 1));
    const frame = await a.waitFor(MARKS[id]);
    expect(frame).not.toContain(ESC);
  });

  it('left and right arrows (and Tab) cycle the tabs', async () => {
    const a = await mount();
    a.keys(KEYS.right);
    await a.waitFor(MARKS.errors);
    a.keys(KEYS.left + KEYS.left);
    await a.waitFor(MARKS.rejects);
    a.keys('\t');
    await a.waitFor(MARKS.overview);
  });

  it('escapes control characters from logged text on every screen', async () => {
    const a = await mount();
    for (const [i, s] of SCREENS.entries()) {
      a.keys(String(i + 1));
      const frame = await a.waitFor(MARKS[s.id]);
      expect(frame).not.toContain(ESC);
      expect(frame).not.toContain('\u0007');
    }
    expect(a.frame()).toContain('\\x1b]0;pwned\\x07\\x1b[2J');
  });

  it('Enter drills down to the lines of the selected row, escaped; Esc goes back', async () => {
    const a = await mount();
    a.keys('2');
    await a.waitFor(MARKS.errors);
    a.keys(KEYS.enter);
    const frame = await a.waitFor(/1 of 1\b/);
    expect(a.source.drills[0]).toEqual({ kind: 'error', status: 503, cause: 'no-server', backend: 'be_hc', server: '<NOSRV>' });
    expect(frame).toMatch(/1:3 /);
    expect(frame).toContain('\\x1b[2J');
    expect(frame).not.toContain(ESC);
    a.keys(KEYS.escape);
    await a.waitFor(MARKS.errors);
  });

  it('keys that arrive together act in order: Down, Up, Enter in one read open the row the Up selected', async () => {
    const a = await mount();
    a.keys('2');
    await a.waitFor(MARKS.errors);
    a.keys(KEYS.down + KEYS.up + KEYS.enter);
    await a.waitFor(/of 1\b/);
    expect(a.source.drills).toEqual([{ kind: 'error', status: 503, cause: 'no-server', backend: 'be_hc', server: '<NOSRV>' }]);
  });

  it('keys that arrive together act in order: a tab, Down and Enter as one string', async () => {
    const a = await mount();
    a.keys(`2j${KEYS.enter}`);
    await a.waitFor(/504 timeout\.upgrade on be_slow\/sa1 — 1 of 1/);
    expect(a.source.drills).toEqual([{ kind: 'error', status: 504, cause: 'timeout.upgrade', backend: 'be_slow', server: 'sa1' }]);
  });

  it('Esc and the next key in one read are two keys (a terminal sends them as one Alt-key)', async () => {
    const a = await mount();
    a.keys(`2${KEYS.enter}`);
    await a.waitFor(/503 no-server on be_hc\/<NOSRV> — 1 of 1/);
    a.keys(KEYS.escape + KEYS.down + KEYS.enter);
    await a.waitFor(/504 timeout\.upgrade on be_slow\/sa1 — 1 of 1/);
  });

  it.each([['q', 'q'], ['Ctrl-C', KEYS.ctrl('c')]])('%s quits', async (_, key) => {
    const a = await mount();
    a.keys(key);
    await a.exited;
  });

  it('Ctrl-C quits while typing SQL too (q is text there)', async () => {
    const a = await mount();
    a.keys(`7${KEYS.enter}q`);
    await a.waitFor(/SQL> .*q/);
    a.keys(KEYS.ctrl('c'));
    await a.exited;
  });

  it('p pauses and shows it', async () => {
    const a = await mount();
    a.keys('p');
    await a.waitFor(/PAUSED/);
    a.keys('p');
    await a.waitFor((f) => !f.includes('PAUSED'), 'no PAUSED');
  });

  it('? lists every key of the mode, from the binding table; Esc closes it', async () => {
    const a = await mount();
    a.keys('?');
    const frame = await a.waitFor(/Keys on this screen/);
    expect(frame).toMatch(/PgUp Ctrl-B\s+page/);
    a.keys(KEYS.escape);
    await a.waitFor(MARKS.overview);
  });
});

describe('the Query screen', () => {
  async function editing(): Promise<Mounted> {
    const a = await mount();
    a.keys('7');
    await a.waitFor(MARKS.query);
    a.keys(KEYS.enter);
    await a.waitFor(/Enter runs/);
    return a;
  }

  it('owns the keyboard while editing: letters typed with Enter are text, not commands', async () => {
    const a = await editing();
    // Ctrl-U empties the field; "group" has a p (pause), 1 and 2 are tabs, q quits when not editing.
    a.keys(`${KEYS.ctrl('u')}SELECT 12 AS q GROUP BY ALL${KEYS.enter}`);
    await a.waitFor(/1 row\(s\)/);
    expect(a.source.sql).toEqual(['SELECT 12 AS q GROUP BY ALL']);
    expect(a.frame()).not.toMatch(/PAUSED/);
    expect(a.frame()).toMatch(MARKS.query);
    expect(a.frame()).not.toContain(ESC);
  });

  it('has readline keys: Ctrl-W, Ctrl-A, Ctrl-E, Ctrl-K, and ←', async () => {
    const a = await editing();
    a.keys(`${KEYS.ctrl('u')}SELECT 1 FROM nothing${KEYS.ctrl('w')}sessions${KEYS.ctrl('a')}-- ${KEYS.ctrl('e')}${KEYS.enter}`);
    await a.waitFor(/1 row\(s\)/);
    expect(a.source.sql).toEqual(['-- SELECT 1 FROM sessions']);
    a.keys(`${KEYS.enter}${KEYS.ctrl('a')}${KEYS.ctrl('k')}SELECT 2${KEYS.left}${KEYS.left}${KEYS.backspace}${KEYS.enter}`);
    await a.waitFor(() => a.source.sql.length === 2, 'the second query');
    expect(a.source.sql[1]).toBe('SELEC 2');
  });

  it('↑/↓ walk the history, and ↓ past the newest gives back the line being typed', async () => {
    const a = await editing();
    a.keys(`${KEYS.ctrl('u')}SELECT 1${KEYS.enter}`);
    await a.waitFor(() => a.source.sql.length === 1, 'the first query');
    a.keys(`${KEYS.enter}${KEYS.ctrl('u')}SELECT 2${KEYS.enter}`);
    await a.waitFor(() => a.source.sql.length === 2, 'the second query');
    a.keys(`${KEYS.enter}${KEYS.ctrl('u')}draft${KEYS.up}${KEYS.up}`);
    await a.waitFor(/SQL> SELECT 1/);
    a.keys(KEYS.down);
    await a.waitFor(/SQL> SELECT 2/);
    a.keys(KEYS.down);
    await a.waitFor(/SQL> draft/);
    a.keys(`${KEYS.up}${KEYS.up}${KEYS.enter}`);
    await a.waitFor(() => a.source.sql.length === 3, 'the third query');
    expect(a.source.sql).toEqual(['SELECT 1', 'SELECT 2', 'SELECT 1']);
  });

  it('Esc stops editing: keys are commands again', async () => {
    const a = await editing();
    a.keys(`${KEYS.escape}`);
    await a.waitFor(/Enter to edit/);
    a.keys('2');
    await a.waitFor(MARKS.errors);
  });
});

describe('the Overview', () => {
  it('Enter on a finding opens its evidence, and Esc lands on the screen it belongs to with its row selected', async () => {
    const a = await mount();
    a.keys(`${KEYS.down}${KEYS.down}${KEYS.enter}`);
    await a.waitFor(/504 timeout\.upgrade on be_slow\/sa1 — 1 of 1/);
    expect(a.source.drills).toEqual([{ kind: 'error', status: 504, cause: 'timeout.upgrade', backend: 'be_slow', server: 'sa1' }]);
    a.keys(KEYS.escape);
    const frame = await a.waitFor(/status +cause/);
    expect(frame).toMatch(/> 504 +timeout\.upgrade/);
  });

  it('a sticky finding opens the misses only', async () => {
    const a = await mount();
    a.keys(`${KEYS.down}${KEYS.enter}`);
    await a.waitFor(/sticky-session misses on be_cookie \(cookie\) — 1 of 1/);
    expect(a.source.drills).toEqual([{ kind: 'sticky', backend: 'be_cookie', method: 'cookie' }]);
  });

  it('says how many findings do not fit', async () => {
    const findings = Array.from({ length: 26 }, (_, i) => ({ ...ANALYSIS.findings[0]!, title: `finding number ${i + 1}` }));
    const a = await mount({ columns: 80, rows: 24, data: { ...DATA, analysis: { ...ANALYSIS, findings } } });
    const frame = a.frame();
    const shown = (frame.match(/finding number \d+/g) ?? []).length;
    expect(shown).toBeGreaterThan(3);
    expect(frame).toContain(`↓ ${26 - shown} more of 26`);
  });
});

describe('a drill-down', () => {
  async function drill(lines = 4248): Promise<Mounted> {
    const a = await mount({ sizes: { error: lines } });
    a.keys(`2${KEYS.enter}`);
    await a.waitFor(new RegExp(`1 of ${lines.toLocaleString('en-US')}`));
    return a;
  }

  it('says how many lines there are, and fetches them a page at a time', async () => {
    const a = await drill();
    expect(a.frame()).toMatch(/1 of 4,248 · oldest first/);
    a.keys(KEYS.end);
    const last = await a.waitFor(/4,248 of 4,248[\s\S]*> 1:4250 .*END4248/);
    expect(last).not.toMatch(/loading…/);
    expect(a.source.pages.every((p) => p.limit <= PAGE_LINES)).toBe(true);
    expect(a.source.pages.length).toBeLessThanOrEqual(3);
    a.keys(KEYS.home);
    await a.waitFor(/1 of 4,248/);
  });

  it('pages with PgDn/PgUp and j/k, loading further pages as the selection moves', async () => {
    const a = await drill();
    const page = (frame: string): number => Number(/(\d[\d,]*) of 4,248/.exec(frame)![1]!.replace(/,/g, ''));
    a.keys(KEYS.pageDown);
    const one = page(await a.waitFor((f) => page(f) > 1, 'a page down'));
    expect(one).toBeGreaterThan(5);
    // 40 pages down in one read: every key acts, the pages follow.
    a.keys(KEYS.pageDown.repeat(40));
    const far = await a.waitFor((f) => page(f) === 1 + 41 * (one - 1) && /END\d+/.test(f) && !/loading…/.test(f), 'forty pages further');
    expect(far).toContain(`END${1 + 41 * (one - 1)}`);
    a.keys(KEYS.pageUp + 'k');
    await a.waitFor((f) => page(f) === 41 * (one - 1) - (one - 1) && f.includes(`END${41 * (one - 1) - (one - 1)}`), 'a page up and a line up');
  });

  it('keys sent with the Enter that opens it act once the lines are counted: Enter then End in one read', async () => {
    const a = await mount({ sizes: { error: 4248 } });
    a.keys(`2${KEYS.enter}G`);
    await a.waitFor(/4,248 of 4,248[\s\S]*> 1:4250 .*END4248/);
    a.keys(`g${KEYS.escape}${KEYS.enter}jjj`);
    await a.waitFor(/ 4 of 4,248[\s\S]*> 1:6 .*END4/);
  });

  it('takes the keys of less and vi too: G, g, Space, Ctrl-F, Ctrl-B, and Backspace goes back', async () => {
    const a = await drill();
    a.keys('G');
    await a.waitFor(/4,248 of 4,248[\s\S]*END4248/);
    a.keys('g');
    await a.waitFor(/ 1 of 4,248/);
    a.keys(' ');
    const page = Number(/(\d+) of 4,248/.exec(await a.waitFor((f) => !/ 1 of 4,248/.test(f), 'a page down'))![1]) - 1;
    a.keys(KEYS.ctrl('f'));
    await a.waitFor(new RegExp(` ${1 + 2 * page} of 4,248`));
    a.keys(KEYS.ctrl('b'));
    await a.waitFor(new RegExp(` ${1 + page} of 4,248`));
    a.keys(KEYS.backspace);
    await a.waitFor(/status +cause/);
  });

  it('searches with /, n and N, and filters with f', async () => {
    const a = await drill();
    a.keys(`/needle${KEYS.enter}`);
    await a.waitFor(/51 of 4,248 .*search "needle"/);
    a.keys('n');
    await a.waitFor(/148 of 4,248/);
    a.keys('N');
    await a.waitFor(/51 of 4,248/);
    a.keys(`/no such thing${KEYS.enter}`);
    await a.waitFor(/not found: no such thing/);
    a.keys(`fNEEDLE${KEYS.enter}`);
    await a.waitFor(/1 of 44 .*filter "NEEDLE"/);
    a.keys(`f${KEYS.ctrl('u')}${KEYS.enter}`);
    await a.waitFor(/1 of 4,248/);
  });

  it('sorts newest first with s, and scrolls long lines sideways', async () => {
    const a = await drill();
    a.keys('s');
    const frame = await a.waitFor(/1 of 4,248 · newest first/);
    expect(frame).toMatch(/> 1:4250 +line 4248 of 4248/);
    a.keys('s');
    await a.waitFor(/1 of 4,248 · oldest first[\s\S]*> 1:3 /);
    a.keys('j');
    await a.waitFor(/2 of 4,248 · oldest first/);
    // Line 2 is 300 x long: its end is out of view until scrolled.
    expect(a.frame()).not.toMatch(/> 1:4 +.*END2/);
    a.keys('l'.repeat(15));
    await a.waitFor(/→300/);
    expect(a.frame()).toMatch(/> 1:4 +x* END2/);
    a.keys(KEYS.left);
    await a.waitFor(/→280/);
  });

  it('says what a clean session is instead of passing a summary off as a logged line', async () => {
    const a = await drill(10);
    expect(a.frame()).toMatch(/1:7 +clean session, raw line not kept: line 5 of 10/);
  });

  it('the Sticky screen drills into its misses', async () => {
    const a = await mount();
    a.keys(`4${KEYS.enter}`);
    await a.waitFor(/sticky-session misses on be_cookie \(cookie\) — 1 of 1/);
    expect(a.source.drills).toEqual([{ kind: 'sticky', backend: 'be_cookie', method: 'cookie' }]);
  });
});

describe('the Tunnels screen', () => {
  it('draws the 1-2-5 histogram with formatted durations and the configured timeout marked', async () => {
    const a = await mount();
    a.keys('5');
    const frame = await a.waitFor(/Durations of be_ws/);
    expect(frame).toMatch(/10 ms–20 ms +█+ +5\n/);
    expect(frame).toMatch(/2 s–5 s +█+ 6\n/);
    expect(frame).toMatch(/20 ms–50 ms *\n/);
    expect(frame).toMatch(/1 s–2 s\s*\n\s*└ timeout tunnel 2s\n/);
    expect(frame).not.toMatch(/\b1000\b|\b2000\b/);
  });

  it('Enter opens a backend into its servers; Enter on a server drills into its tunnels', async () => {
    const a = await mount();
    a.keys(`5${KEYS.enter}`);
    await a.waitFor(/▾ be_ws[\s\S]*ws1[\s\S]*ws2/);
    a.keys(`jj`);
    await a.waitFor(/Durations of be_ws\/ws2/);
    a.keys(KEYS.enter);
    await a.waitFor(/tunnels of be_ws\/ws2 — 1 of 1/);
    expect(a.source.drills).toEqual([{ kind: 'tunnels', backend: 'be_ws', server: 'ws2' }]);
  });
});

describe('the status line', () => {
  it('shows the span of log time on screen in the --tz zone, with its name, and the lag', async () => {
    const a = await mount({ timeZone: 'Europe/Paris' });
    expect(a.frame()).toMatch(/log time 2026-11-22 05:41:38 – 05:51:38 CET · lag 300 ms/);
  });

  it('the screens show times in the same zone', async () => {
    const a = await mount({ timeZone: 'Europe/Paris' });
    a.keys('2');
    expect(await a.waitFor(/status +cause/)).toMatch(/no-server .* 7 +2026-11-22 05:41:39/);
    a.keys('6');
    expect(await a.waitFor(/server\.down/)).toMatch(/2026-11-22 05:41:38 +server\.down/);
  });

  it('says when the live row budget cut the window short', async () => {
    const a = await mount({ data: { ...DATA, live: { ...DATA.live!, heldMs: 42_000 } } });
    expect(a.frame()).toMatch(/only the last 42 s held \(row budget\)/);
  });
});

describe('at 80×24', () => {
  it('every screen fits: no line wider than 80, no more than 24 lines, the status line on one line', async () => {
    const a = await mount({ columns: 80, rows: 24, data: { ...DATA, live: { ...DATA.live!, heldMs: 42_000 }, openTunnels: 1 } });
    for (const [i, s] of SCREENS.entries()) {
      a.keys(String(i + 1));
      const frame = await a.waitFor(MARKS[s.id]);
      const lines = frame.split('\n');
      expect(lines.length, s.id).toBeLessThanOrEqual(24);
      for (const line of lines) expect(width(line), `${s.id}: ${line}`).toBeLessThanOrEqual(80);
      expect(frame).toMatch(/open tunnels|Findings|SQL>|status|backend|time|line|reason/);
    }
    a.keys(`1${KEYS.enter}`);
    const drill = await a.waitFor(/of 1 ·/);
    for (const line of drill.split('\n')) expect(width(line)).toBeLessThanOrEqual(80);
  });

  it('follows a resize', async () => {
    const a = await mount({ columns: 120, rows: 40 });
    a.resize(80, 24);
    const frame = await a.waitFor((f) => f.split('\n').length <= 24 && f.split('\n').every((l) => width(l) <= 80), 'a frame of 80×24');
    expect(frame).toMatch(/open tunnels ~42/);
  });
});

describe('key bindings', () => {
  it('the help bar is generated from the binding table', () => {
    const labels = helpEntries('browse', 'errors').map((e) => e.label);
    expect(labels).toEqual(['q', '1-8', '←/→', '↑/↓', 'Enter', 'p', 'PgUp/PgDn', 'Home/End', '?']);
    for (const label of labels) expect(KEY_BINDINGS.some((b) => b.label === label)).toBe(true);
    expect(helpEntries('browse', 'query').find((e) => e.label === 'Enter')?.help).toBe('edit SQL');
    expect(helpEntries('browse', 'overview').find((e) => e.label === 'Enter')?.help).toBe('evidence');
    expect(helpEntries('edit', 'query').map((e) => e.label)).toEqual(['Enter', 'Esc', '↑/↓', '^A/^E', '^U', '^W']);
    expect(helpEntries('drill', 'errors').map((e) => e.label)).toEqual(['q', '↑/↓', 'Esc', '/', 'n/N', 'f', 's', '←/→', 'p', 'PgUp/PgDn', 'Home/End', '?']);
  });
});
