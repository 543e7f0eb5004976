/**
 * How fast can `wsdiag live` take lines while it refreshes its diagnoses? A producer writes generated httplog
 * lines into `wsdiag live --format text` at a fixed rate for a while; when live falls behind, the pipe fills and
 * the producer is held back, so the rate actually achieved says whether live kept up. Peak RSS is read from
 * /proc while it runs (target: under 500 MB).
 *
 *   npm run build && node --import tsx bench/live-bench.ts [--rates 25000,50000,100000] [--seconds 30]
 *   (the soak: --rates 100000 --seconds 600)
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

async function runAt(rate: number, seconds: number, lines: string[]): Promise<{ rate: number; achieved: number; peakRss: number; summaries: number; exit: number | null }> {
  const child = spawn(process.execPath, [CLI, 'live', '--format', 'text', '--interval', '1s', '--window', '15m'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let summaries = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    summaries += chunk.toString().split('\n').filter((l) => l.includes(' · lines ')).length;
  });
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(child.pid!))), 200);
  const t0 = performance.now();
  let sent = 0;
  let next = 0;
  const tickMs = 50;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  while (performance.now() - t0 < seconds * 1000) {
    const due = Math.floor(((performance.now() - t0) / 1000) * rate);
    if (sent < due) {
      const n = Math.min(due - sent, perTick * 4);
      let block = '';
      for (let i = 0; i < n; i++) block += lines[next++ % lines.length] + '\n';
      sent += n;
      if (!child.stdin.write(block)) await once(child.stdin, 'drain');
    } else await new Promise((r) => setTimeout(r, tickMs / 2));
  }
  const elapsed = (performance.now() - t0) / 1000;
  child.stdin.end();
  const [exit] = (await once(child, 'exit')) as [number | null];
  clearInterval(sampler);
  return { rate, achieved: sent / elapsed, peakRss, summaries, exit };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rates: { type: 'string', default: '25000,50000,100000' }, seconds: { type: 'string', default: '30' } } });
  const rates = values.rates!.split(',').map(Number);
  const seconds = Number(values.seconds);
  const { path } = await ensureLog(DATA, 500_000);
  const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  const rows: string[] = [];
  for (const rate of rates) {
    process.stderr.write(`live at ${rate} lines/s for ${seconds} s…\n`);
    const r = await runAt(rate, seconds, lines);
    const kept = r.achieved >= rate * 0.97;
    rows.push(`| ${rate.toLocaleString('en-US')} | ${Math.round(r.achieved).toLocaleString('en-US')} | ${kept ? 'yes' : 'no (input held back)'} | ${r.peakRss.toFixed(0)} | ${r.summaries} | ${r.exit} |`);
  }
  process.stdout.write(
    [
      `### wsdiag live, ${seconds} s per rate`,
      '',
      `\`node --import tsx bench/live-bench.ts --rates ${values.rates} --seconds ${seconds}\``,
      '',
      '| offered lines/s | taken lines/s | kept up | peak RSS (MB) | summaries printed | exit |',
      '|--:|--:|---|--:|--:|--:|',
      ...rows,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`live-bench: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
