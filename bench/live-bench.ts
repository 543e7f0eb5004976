/**
 * How fast can `wsdiag live` take lines while it refreshes its diagnoses? A producer writes generated httplog
 * lines into `wsdiag live --format text` at a fixed rate for a while, stamped with the wall clock as HAProxy
 * would stamp them (so the window slides and the row budget is exercised as in production); when live falls
 * behind, the pipe fills and the producer is held back, so the rate actually achieved says whether live kept
 * up. Peak RSS is read from /proc while it runs (target: under 500 MB), and the last summary's lag is kept.
 *
 *   npm run build && node --import tsx bench/live-bench.ts [--rates 25000,50000,100000] [--seconds 30]
 *     [--max-sessions N] [--interval 1s]   (passed to wsdiag live)
 *   (the issue's soak: --rates 100000 --seconds 600)
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureLog } from './generate-log.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATA = join(ROOT, 'bench', 'data');
const CLI = join(ROOT, 'dist', 'cli.js');

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** A sample line cut around its two time stamps: syslog's (`Nov 22 04:05:06`) and HAProxy's accept date. */
interface Template {
  readonly afterSyslog: string;
  readonly tail: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

function templates(lines: readonly string[]): Template[] {
  return lines.map((line) => {
    const open = line.indexOf(' [');
    const close = line.indexOf(']', open);
    return { afterSyslog: line.slice(15, open + 2), tail: line.slice(close) };
  });
}

/** Both stamps of `now`, in this machine's zone as HAProxy and syslog write them. */
function stamps(now: Date): { syslog: string; accept: string } {
  const day = String(now.getDate()).padStart(2, ' ');
  const time = `${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())}`;
  return {
    syslog: `${MONTHS[now.getMonth()]} ${day} ${time}`,
    accept: `${two(now.getDate())}/${MONTHS[now.getMonth()]}/${now.getFullYear()}:${time}.${String(now.getMilliseconds()).padStart(3, '0')}`,
  };
}

async function runAt(rate: number, seconds: number, lines: readonly Template[], interval: string, extraArgs: readonly string[]): Promise<{ rate: number; achieved: number; peakRss: number; perMinute: number[]; summaries: number; lastSummary: string; exit: number | null }> {
  const child = spawn(process.execPath, [CLI, 'live', '--format', 'text', '--interval', interval, '--window', '15m', ...extraArgs], { stdio: ['pipe', 'pipe', 'inherit'] });
  let summaries = 0;
  let lastSummary = '';
  child.stdout.on('data', (chunk: Buffer) => {
    for (const l of chunk.toString().split('\n').filter((x) => x.includes(' · lines '))) {
      summaries++;
      lastSummary = l;
    }
  });
  const t0 = performance.now();
  let peakRss = 0;
  /** The peak of each minute: whether memory stays flat over a long run, or grows. */
  const perMinute: number[] = [];
  const sampler = setInterval(() => {
    const rss = rssMb(child.pid!);
    peakRss = Math.max(peakRss, rss);
    const minute = Math.floor((performance.now() - t0) / 60_000);
    perMinute[minute] = Math.max(perMinute[minute] ?? 0, rss);
  }, 200);
  let sent = 0;
  let next = 0;
  const tickMs = 50;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  while (performance.now() - t0 < seconds * 1000) {
    const due = Math.floor(((performance.now() - t0) / 1000) * rate);
    if (sent < due) {
      const n = Math.min(due - sent, perTick * 4);
      const { syslog, accept } = stamps(new Date());
      let block = '';
      for (let i = 0; i < n; i++) {
        const t = lines[next++ % lines.length]!;
        block += syslog + t.afterSyslog + accept + t.tail + '\n';
      }
      sent += n;
      if (!child.stdin.write(block)) await once(child.stdin, 'drain');
    } else await new Promise((r) => setTimeout(r, tickMs / 2));
  }
  const elapsed = (performance.now() - t0) / 1000;
  child.stdin.end();
  const [exit] = (await once(child, 'exit')) as [number | null];
  clearInterval(sampler);
  return { rate, achieved: sent / elapsed, peakRss, perMinute, summaries, lastSummary, exit };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rates: { type: 'string', default: '25000,50000,100000' }, seconds: { type: 'string', default: '30' }, 'max-sessions': { type: 'string' },
      interval: { type: 'string', default: '1s' },
    },
  });
  const extraArgs = values['max-sessions'] ? ['--max-sessions', values['max-sessions']] : [];
  const rates = values.rates!.split(',').map(Number);
  const seconds = Number(values.seconds);
  const { path } = await ensureLog(DATA, 500_000);
  const lines = templates(readFileSync(path, 'utf8').split('\n').filter(Boolean));
  const rows: string[] = [];
  const minutes: string[] = [];
  for (const rate of rates) {
    process.stderr.write(`live at ${rate} lines/s for ${seconds} s…\n`);
    const r = await runAt(rate, seconds, lines, values.interval!, extraArgs);
    process.stderr.write(`  last summary: ${r.lastSummary}\n`);
    if (r.perMinute.length > 1) minutes.push(`| ${rate.toLocaleString('en-US')} | ${r.perMinute.map((mb) => mb.toFixed(0)).join(' · ')} |`);
    const kept = r.achieved >= rate * 0.97;
    rows.push(`| ${rate.toLocaleString('en-US')} | ${Math.round(r.achieved).toLocaleString('en-US')} | ${kept ? 'yes' : 'no (input held back)'} | ${r.peakRss.toFixed(0)} | ${r.summaries} | ${r.exit} |`);
  }
  process.stdout.write(
    [
      `### wsdiag live, ${seconds} s per rate`,
      '',
      `\`node --import tsx bench/live-bench.ts --rates ${values.rates} --seconds ${seconds}${extraArgs.length ? ` --max-sessions ${values['max-sessions']}` : ''}\``,
      '',
      '| offered lines/s | taken lines/s | kept up | peak RSS (MB) | summaries printed | exit |',
      '|--:|--:|---|--:|--:|--:|',
      ...rows,
      '',
      ...(minutes.length ? ['| offered lines/s | peak RSS of each minute (MB) |', '|--:|---|', ...minutes, ''] : []),
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`live-bench: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
