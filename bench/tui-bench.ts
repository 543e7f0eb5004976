/**
 * The screens over a large database, on a real terminal (tmux), as a person uses them: `wsdiag tui --db F` started,
 * the time until the first screen shows its findings; then each tab key and the time until the screen has
 * changed; then Enter on the first row of Errors and the time until the drill-down's first page is there; the peak
 * RSS of the process (VmHWM) after all that.
 *
 *   npm run build && node --import tsx bench/tui-bench.ts [--db bench/data/analyze-10000000.duckdb] [--runs 3]
 *
 * The database is one `npm run bench:analyze -- --sessions N --keep` leaves behind. Needs tmux. Times are from
 * polling the pane (tmux capture-pane) every 20 ms at first and less often as a wait grows (at most every 250 ms), so a time is late by at most ~5% of itself. Prints a markdown
 * table, also written beside the database as tui.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkBuild, CLI, wsdiagQuery } from './run-command.js';

const { values } = parseArgs({ options: { db: { type: 'string', default: 'bench/data/analyze-10000000.duckdb' }, runs: { type: 'string', default: '3' } } });
const db = values.db!;
const runs = Number(values.runs);
const socket = `wsdiag-tui-bench-${process.pid}`;
const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });

/** Polls `read` until `ok` holds; the time it took, in seconds. Gives up after `limitMs`. */
async function until(read: () => string, ok: (pane: string) => boolean, what: string, limitMs = Number(process.env['TUI_BENCH_LIMIT_MS'] ?? 600_000)): Promise<{ seconds: number; pane: string }> {
  const start = performance.now();
  for (;;) {
    const pane = read();
    if (ok(pane)) return { seconds: (performance.now() - start) / 1000, pane };
    if (performance.now() - start > limitMs) throw new Error(`gave up waiting for ${what}; the pane:\n${pane}`);
    // Every 20 ms at first, then less often (at most every 250 ms) as the wait grows: each look forks a tmux
    // client, and looking every 20 ms through a 40 s load took CPU from DuckDB (the load ran 30–40 s against 22 s).
    await new Promise((resolve) => setTimeout(resolve, Math.min(250, Math.max(20, (performance.now() - start) / 20))));
  }
}

/** The node process under the pane's shell. */
function nodePid(panePid: number): number {
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === panePid && stat.includes('(node)')) return Number(entry);
    } catch {
      // gone
    }
  }
  return panePid;
}

const peakRssMb = (pid: number): number => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

const SCREENS = ['Errors', 'Disconnects', 'Sticky', 'Tunnels', 'Events', 'Query', 'Rejects', 'Overview'];

interface Run {
  readonly first: number;
  readonly tabs: number[];
  readonly drill: number;
  readonly rssMb: number;
  /** The peak up to the first screen (the analysis), before tabs and the drill-down. */
  readonly rssFirstMb: number;
}

async function once(n: number): Promise<Run> {
  const name = `r${n}`;
  // Ink draws only the last frame when CI is set; a person at a terminal has no CI variable.
  const started = performance.now();
  tmux('new-session', '-d', '-x', '160', '-y', '48', '-s', name, `env -u CI ${process.execPath} ${CLI} tui --db ${db} --tz UTC; sleep 600`);
  const capture = (): string => tmux('capture-pane', '-p', '-t', name);
  try {
    await until(capture, (p) => /Findings \(\d+/.test(p) && !p.includes('loading…'), 'the first screen');
    const first = (performance.now() - started) / 1000;
    const pid = nodePid(Number(tmux('display-message', '-p', '-t', name, '#{pane_pid}').trim()));
    const rssFirstMb = peakRssMb(pid);
    const tabs: number[] = [];
    let before = capture();
    for (const screen of SCREENS) {
      tmux('send-keys', '-t', name, 'Tab');
      const { seconds, pane } = await until(capture, (p) => p !== before && !p.includes('loading…'), `the ${screen} screen`);
      tabs.push(seconds);
      before = pane;
    }
    // Errors, its first row, Enter: the lines behind it, a page at a time.
    tmux('send-keys', '-t', name, '2');
    await until(capture, (p) => /status +cause/.test(p), 'the Errors screen');
    tmux('send-keys', '-t', name, 'Enter');
    const { seconds: drill } = await until(capture, (p) => / of [\d,]+ · /.test(p) && !p.includes('loading…'), 'the drill-down');
    const rssMb = peakRssMb(pid);
    tmux('send-keys', '-t', name, 'Escape', 'q');
    return { first, tabs, drill, rssMb, rssFirstMb };
  } finally {
    spawnSync('tmux', ['-L', socket, 'kill-session', '-t', name]);
  }
}

checkBuild();
const results: Run[] = [];
try {
  for (let n = 1; n <= runs; n++) {
    process.stderr.write(`run ${n}/${runs}… `);
    const r = await once(n);
    process.stderr.write(`first screen ${r.first.toFixed(2)} s\n`);
    results.push(r);
  }
} finally {
  spawnSync('tmux', ['-L', socket, 'kill-server']);
}
const [row] = await wsdiagQuery('SELECT count(*) AS n FROM session_rows', db);
const count = Number(row?.['n']);
const best = (xs: number[]): number => Math.min(...xs);
const worst = (xs: number[]): number => Math.max(...xs);
const f = (s: number): string => s.toFixed(3);
const out = [
  `### The screens over ${count.toLocaleString('en-US')} sessions (tmux, 160×48)`,
  '',
  `\`node --import tsx bench/tui-bench.ts --db ${db} --runs ${runs}\`: \`wsdiag tui --db\` started in tmux; best and worst of ${runs} runs.`,
  '',
  '| What | Best (s) | Worst (s) |',
  '|---|--:|--:|',
  `| start → first screen with its findings (the whole analysis) | ${f(best(results.map((r) => r.first)))} | ${f(worst(results.map((r) => r.first)))} |`,
  ...SCREENS.map((screen, i) => `| Tab → ${screen} drawn | ${f(best(results.map((r) => r.tabs[i]!)))} | ${f(worst(results.map((r) => r.tabs[i]!)))} |`),
  `| Enter on Errors' first row → the drill-down's first page | ${f(best(results.map((r) => r.drill)))} | ${f(worst(results.map((r) => r.drill)))} |`,
  `| peak RSS up to the first screen (MB) | ${best(results.map((r) => r.rssFirstMb)).toFixed(0)} | ${worst(results.map((r) => r.rssFirstMb)).toFixed(0)} |`,
  `| peak RSS (MB) | ${best(results.map((r) => r.rssMb)).toFixed(0)} | ${worst(results.map((r) => r.rssMb)).toFixed(0)} |`,
  '',
].join('\n');
process.stdout.write(out);
writeFileSync(join(dirname(db), 'tui.md'), out);
