/**
 * CPU profile of `wsdiag ingest` on a generated log, summarised (see profile-summary.ts).
 *
 * usage: npm run build && node --import tsx bench/profile-ingest.ts [--lines N] [--interval US]
 *
 * Runs `node --cpu-prof --cpu-prof-interval US dist/cli.js ingest bench/data/haproxy-N.log --db bench/data/profile.duckdb`
 * (default N = 500,000, US = 500). Node writes one profile per thread: the main thread (which stores) and the
 * ingest worker (which reads and parses). Keeps them as bench/data/profile-N-main.cpuprofile and
 * profile-N-worker.cpuprofile (open them in Chrome DevTools or speedscope) and summarises both in
 * bench/data/profile-N.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureLog } from './generate-log.js';
import { formatSummary, summarize } from './profile-summary.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATA = join(ROOT, 'bench', 'data');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { lines: { type: 'string', default: '500000' }, interval: { type: 'string', default: '500' } } });
  const lines = Number(values.lines!.replace(/[_,]/g, ''));
  const interval = Number(values.interval);
  if (!Number.isInteger(lines) || lines < 1) throw new Error('--lines takes a positive whole number');
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first');
  const { path: log } = await ensureLog(DATA, lines);
  const db = join(DATA, 'profile.duckdb');
  const profDir = join(DATA, 'prof-tmp');
  for (const p of [db, `${db}.wal`, profDir]) rmSync(p, { force: true, recursive: true });
  mkdirSync(profDir, { recursive: true });
  const args = ['--cpu-prof', '--cpu-prof-interval', String(interval), '--cpu-prof-dir', profDir, 'dist/cli.js', 'ingest', relative(ROOT, log), '--db', relative(ROOT, db)];
  const command = `node ${args.join(' ')}`;
  process.stderr.write(`${command}\n`);
  const t0 = performance.now();
  const run = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  const wall = (performance.now() - t0) / 1000;
  if (run.status !== 0) throw new Error(`ingest failed (${run.status}): ${run.stderr}`);
  // Node names each file CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread 0 is the main thread.
  const produced = readdirSync(profDir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => ({ file: f, thread: Number(f.split('.')[4]) }))
    .sort((a, b) => a.thread - b.thread);
  if (produced.length === 0 || produced[0]!.thread !== 0) throw new Error(`no main-thread .cpuprofile in ${profDir}`);
  const kept = produced.map(({ file, thread }) => {
    const role = thread === 0 ? 'main' : produced.length === 2 ? 'worker' : `worker-${thread}`;
    const path = join(DATA, `profile-${lines}-${role}.cpuprofile`);
    renameSync(join(profDir, file), path);
    return { role, path };
  });
  for (const p of [db, `${db}.wal`, profDir]) rmSync(p, { force: true, recursive: true });

  const sections = kept.map(({ role, path }) => {
    const what = role === 'main' ? 'main thread (stores into DuckDB)' : `${role} thread (reads and parses)`;
    return `#### ${what}: \`${relative(ROOT, path)}\`\n\n${formatSummary(summarize(JSON.parse(readFileSync(path, 'utf8'))), 15)}`;
  });
  const text =
    `### CPU profile of wsdiag ingest, ${lines.toLocaleString('en-US')} lines\n\n\`${command}\` (wall ${wall.toFixed(2)} s with the profiler on)\n\n` +
    `wsdiag said: \`${run.stdout.trim().split('\n').pop()}\`\n\n` +
    sections.join('\n');
  process.stdout.write(text);
  writeFileSync(join(DATA, `profile-${lines}.md`), text);
  process.stderr.write(`\nprofiles: ${kept.map((k) => relative(ROOT, k.path)).join(', ')}; summary: ${relative(ROOT, join(DATA, `profile-${lines}.md`))}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`profile-ingest: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
