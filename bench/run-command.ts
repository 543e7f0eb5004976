/**
 * Runs a benchmark's commands and measures them: wall time here; CPU time and peak RSS from /usr/bin/time
 * (`apt-get install -y time`), or else from polling /proc/PID/status (VmHWM). Shared by the benchmarks.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The built CLI, as `npx wsdiag` runs it. */
export const CLI = join(ROOT, 'dist', 'cli.js');
const TIME = '/usr/bin/time';
export const haveTime = existsSync(TIME);
export const TIME_NOTE = `note: ${TIME} not found (apt-get install -y time); CPU and peak RSS come from polling /proc/PID\n`;

export interface Measurement {
  readonly wall: number;
  /** user + system CPU seconds, all threads (null when unknown). */
  readonly cpu: number | null;
  /** Peak resident set, kB (null when unknown). */
  readonly rssKb: number | null;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Spec {
  /** What the table shows as the command (run from the repository root). */
  readonly display: string;
  readonly argv: readonly string[];
  /** File to connect to stdin. */
  readonly stdin?: string;
  /** Discard stdout (cat) instead of capturing it. */
  readonly discardStdout?: boolean;
  /** Run before each repetition (e.g. delete the database). */
  readonly before?: () => void;
}

/** Polls /proc/PID for the peak RSS and CPU ticks while `pid` runs (fallback when /usr/bin/time is missing). */
function pollProc(pid: number): { stop: () => { rssKb: number | null; cpu: number | null } } {
  let rssKb: number | null = null;
  let cpu: number | null = null;
  const tick = (): void => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
      if (hwm) rssKb = Math.max(rssKb ?? 0, Number(hwm[1]));
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      cpu = (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ (100 on Linux)
    } catch {
      // Exited between polls.
    }
  };
  tick();
  const timer = setInterval(tick, 20);
  return {
    stop: () => {
      clearInterval(timer);
      return { rssKb, cpu };
    },
  };
}

let childCpu = 0;
/** CPU seconds used by the commands run so far (to tell a benchmark's own load from other work's). */
export const childCpuSeconds = (): number => childCpu;

export async function runOnce(spec: Spec): Promise<Measurement> {
  spec.before?.();
  const timeOut = join(tmpdir(), `wsdiag-bench-time-${process.pid}.txt`);
  const argv = haveTime ? [TIME, '-f', '%e %U %S %M', '-o', timeOut, ...spec.argv] : [...spec.argv];
  const stdinFd = spec.stdin ? openSync(spec.stdin, 'r') : 'ignore';
  const stdoutFd = spec.discardStdout ? openSync('/dev/null', 'w') : 'pipe';
  const t0 = process.hrtime.bigint();
  const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, stdio: [stdinFd, stdoutFd, 'pipe'] });
  const poll = haveTime || child.pid === undefined ? null : pollProc(child.pid);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (b: Buffer) => out.push(b));
  child.stderr?.on('data', (b: Buffer) => err.push(b));
  const code = await new Promise<number>((resolvePromise, reject) => {
    child.once('error', reject);
    child.once('close', (c) => resolvePromise(c ?? -1));
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (typeof stdinFd === 'number') closeSync(stdinFd);
  if (typeof stdoutFd === 'number') closeSync(stdoutFd);
  let cpu: number | null = null;
  let rssKb: number | null = null;
  if (haveTime) {
    const last = readFileSync(timeOut, 'utf8').trim().split('\n').pop() ?? '';
    rmSync(timeOut, { force: true });
    const [, user, sys, rss] = last.split(' ').map(Number);
    if (user !== undefined && sys !== undefined && !Number.isNaN(user + sys)) cpu = user + sys;
    if (rss !== undefined && !Number.isNaN(rss)) rssKb = rss;
  } else if (poll) ({ cpu, rssKb } = poll.stop());
  childCpu += cpu ?? 0;
  return { wall, cpu, rssKb, code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

export async function measure(spec: Spec, runs: number): Promise<Measurement> {
  const all: Measurement[] = [];
  for (let r = 0; r < runs; r++) {
    const m = await runOnce(spec);
    if (m.code !== 0) throw new Error(`${spec.display} exited with ${m.code}: ${m.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    all.push(m);
  }
  // Best of R: on a shared machine the other runs measure the neighbours as much as the code.
  const pick = all.reduce((best, m) => (m.wall < best.wall ? m : best));
  const rss = all.map((m) => m.rssKb).filter((c): c is number => c !== null);
  return { ...pick, rssKb: rss.length ? Math.max(...rss) : null };
}

export function removeDb(db: string): void {
  for (const suffix of ['', '.wal', '.tmp']) rmSync(db + suffix, { force: true, recursive: true });
}


/** Rows of `sql` over the database `db`, through `wsdiag query … --format json`. */
export async function wsdiagQuery(sql: string, db: string): Promise<Record<string, unknown>[]> {
  const m = await runOnce({ display: 'query', argv: [process.execPath, CLI, 'query', sql, '--db', db, '--format', 'json'] });
  if (m.code !== 0) throw new Error(`query failed (${m.code}): ${m.stderr.trim()}`);
  return JSON.parse(m.stdout) as Record<string, unknown>[];
}

/**
 * The accounting of every ingest into `db`, checked: lines read = sessions + events + rejects + blank + already
 * ingested + rolled back, and lines read = the lines of the input (`expectedLines`). Asserted by every ingest
 * benchmark on every run: a faster ingest that loses lines is not faster.
 */
export async function accountingCheck(db: string, expectedLines: number): Promise<{ ok: boolean; text: string }> {
  const [row] = await wsdiagQuery(
    'select sum(lines_read) as lines_read, sum(sessions) as sessions, sum(events) as events, sum(rejects) as rejects, ' +
      'sum(blank) as blank, sum(lines_skipped) as skipped, sum(lines_rolled_back) as rolled_back from ingests',
    db,
  );
  const n = (k: string): number => Number(row?.[k] ?? 0);
  const parts = n('sessions') + n('events') + n('rejects') + n('blank') + n('skipped') + n('rolled_back');
  const ok = n('lines_read') === parts && n('lines_read') === expectedLines;
  const text =
    `accounting: ${n('lines_read').toLocaleString('en-US')} lines read = ${n('sessions').toLocaleString('en-US')} sessions + ${n('events')} events + ` +
    `${n('rejects')} rejects + ${n('blank')} blank + ${n('skipped')} already ingested + ${n('rolled_back')} rolled back` +
    (ok ? '' : ` — ${n('lines_read') !== parts ? `the parts add up to ${parts.toLocaleString('en-US')}` : `expected ${expectedLines.toLocaleString('en-US')} lines`}`);
  return { ok, text };
}
