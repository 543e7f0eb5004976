/**
 * Runs a benchmark's commands and measures them: wall time here; CPU time and peak RSS from /usr/bin/time
 * (`apt-get install -y time`), or else from polling /proc/PID/status (VmHWM). A command can run inside a cgroup
 * v1 memory limit (memoryCgroup). Also what every benchmark reports beside its timings: the other load on the
 * machine during the run, and whether dist/ is older than src/. Shared by the benchmarks.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The built CLI, as `npx wsdiag` runs it. */
export const CLI = join(ROOT, 'dist', 'cli.js');
/** HAProxy's log analyser, the yardstick of every benchmark. */
export const HALOG = ['/usr/sbin/halog', '/usr/bin/halog', '/usr/local/bin/halog'].find((p) => existsSync(p)) ?? 'halog';
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
  /** Lines written to stdout, when Spec.countLines (stdout is then counted, not kept). */
  readonly stdoutLines?: number;
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
  /** Count stdout's lines instead of keeping it (a command that writes millions of rows). */
  readonly countLines?: boolean;
  /**
   * Run the command inside this cgroup v1 memory cgroup (MemoryCgroup.dir): a shell puts itself in it, then
   * becomes the command, so /usr/bin/time stays outside and the limit applies to the command alone.
   */
  readonly cgroup?: string;
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
  const command = spec.cgroup ? ['sh', '-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', spec.cgroup, ...spec.argv] : [...spec.argv];
  const argv = haveTime ? [TIME, '-f', '%e %U %S %M', '-o', timeOut, ...command] : command;
  const stdinFd = spec.stdin ? openSync(spec.stdin, 'r') : 'ignore';
  const stdoutFd = spec.discardStdout ? openSync('/dev/null', 'w') : 'pipe';
  const t0 = process.hrtime.bigint();
  const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, stdio: [stdinFd, stdoutFd, 'pipe'] });
  const poll = haveTime || child.pid === undefined ? null : pollProc(child.pid);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let lines = 0;
  if (spec.countLines) {
    child.stdout?.on('data', (b: Buffer) => {
      for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) lines++;
    });
  } else child.stdout?.on('data', (b: Buffer) => out.push(b));
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
  return {
    wall, cpu, rssKb, code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'),
    ...(spec.countLines ? { stdoutLines: lines } : {}),
  };
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

/**
 * measure() for a comparison: says on stderr what runs and how long it took, and gives a failure's first line
 * instead of throwing, so that one failed command becomes a row that says so instead of ending the benchmark.
 */
export async function tryMeasure(spec: Spec, runs: number): Promise<Measurement | { readonly error: string }> {
  process.stderr.write(`running ${spec.display}${runs > 1 ? ` ×${runs}` : ''}… `);
  try {
    const m = await measure(spec, runs);
    process.stderr.write(`${m.wall.toFixed(2)} s\n`);
    return m;
  } catch (error) {
    const message = (error as Error).message.split('\n')[0]!;
    process.stderr.write(`FAILED: ${message}\n`);
    return { error: message };
  }
}

/** A cgroup v1 memory cgroup made by memoryCgroup, for Spec.cgroup. */
export interface MemoryCgroup {
  readonly dir: string;
  readonly limitBytes: number;
  /** Processes the kernel killed in it for want of memory (memory.oom_control's oom_kill). */
  oomKills(): number;
  /**
   * The most memory it was charged (memory.max_usage_in_bytes): the pages first touched from inside it, its page
   * cache included; pages already resident (node's and libduckdb's code, cached by earlier runs) count elsewhere.
   */
  maxUsageBytes(): number;
  /** Removes it (once the commands run in it have exited). */
  remove(): void;
}

/**
 * A memory cgroup limited to `limitBytes`, or why there cannot be one (no cgroup v1 memory controller, not root).
 * It is made inside the cgroup this process is in, so the limits above it still hold and a command run in it never
 * leaves the cgroup the benchmark was given.
 */
export function memoryCgroup(name: string, limitBytes: number): MemoryCgroup | string {
  const self = /^\d+:(?:[^:]*,)?memory(?:,[^:]*)?:(.*)$/m.exec(readFileSync('/proc/self/cgroup', 'utf8'));
  if (!self) return 'no cgroup v1 memory controller (/proc/self/cgroup has no memory line)';
  const parent = join('/sys/fs/cgroup/memory', self[1]!);
  if (!existsSync(join(parent, 'memory.limit_in_bytes'))) return `no cgroup v1 memory controller at ${parent}`;
  const dir = join(parent, name);
  const file = (f: string): string => join(dir, f);
  try {
    if (existsSync(dir)) rmdirSync(dir); // left by a benchmark that was killed; empty, or this fails
    mkdirSync(dir);
    writeFileSync(file('memory.limit_in_bytes'), String(limitBytes));
  } catch (error) {
    return `cannot make ${dir}: ${(error as Error).message.split('\n')[0]} (root is needed)`;
  }
  return {
    dir,
    limitBytes,
    oomKills: () => Number(/^oom_kill (\d+)$/m.exec(readFileSync(file('memory.oom_control'), 'utf8'))?.[1] ?? 0),
    maxUsageBytes: () => Number(readFileSync(file('memory.max_usage_in_bytes'), 'utf8')),
    remove: () => rmdirSync(dir),
  };
}

/** Busy CPU seconds of the whole machine so far, from /proc/stat (null when unavailable). */
function machineBusySeconds(): number | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal …: all but idle and iowait.
    const busy = fields.slice(0, 8).reduce((sum, v, i) => (i === 3 || i === 4 ? sum : sum + v), 0);
    return busy / 100; // USER_HZ
  } catch {
    return null;
  }
}

export interface Contention {
  /** CPU seconds other processes used during the run (null when /proc/stat cannot be read). */
  readonly otherCpuSeconds: number | null;
  /** Seconds since the meter started. */
  readonly elapsed: number;
  /** Whether the others took more than a quarter of a core: the timings are pessimistic. */
  readonly noisy: boolean;
  /** The sentence the results print. */
  readonly text: string;
}

/**
 * Starts measuring the load that is neither this benchmark nor the commands it runs; the function returned says
 * how much there was, for the results (timings on a shared machine measure the neighbours too).
 */
export function contentionMeter(): () => Contention {
  const busyStart = machineBusySeconds();
  const wallStart = performance.now();
  const ownStart = process.cpuUsage();
  const childStart = childCpu;
  return () => {
    const busyEnd = machineBusySeconds();
    const own = process.cpuUsage(ownStart);
    const elapsed = (performance.now() - wallStart) / 1000;
    const other = busyStart === null || busyEnd === null ? null : Math.max(0, busyEnd - busyStart - (childCpu - childStart) - (own.user + own.system) / 1e6);
    const noisy = other !== null && other / elapsed > 0.25;
    const text = other === null
      ? 'other load unknown'
      : `other processes used ${other.toFixed(0)} CPU-s during the ${elapsed.toFixed(0)} s run (${((other / (elapsed * cpus().length)) * 100).toFixed(0)}% of the machine)` +
        (noisy ? ': timings are pessimistic, rerun on a quiet machine or with --runs 3' : '');
    return { otherCpuSeconds: other, elapsed, noisy, text };
  };
}

/** Newest modification time under `dir` (ms). */
function newest(dir: string): number {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return max;
}

/** Fails without dist/cli.js; warns when src/ changed after it was built (the benchmark would measure old code). */
export function checkBuild(): void {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  if (newest(join(ROOT, 'src')) > statSync(CLI).mtimeMs) process.stderr.write('warning: src/ changed after the last build; dist/ may be stale (npm run build)\n');
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
