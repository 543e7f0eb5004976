/**
 * The ingest benchmark again with a custom log-format: the same sessions written as
 *   … %{+Q}r upg=%[var(txn.upg)] conn=%[var(txn.conn)]
 * (no capture block, the Upgrade/Connection headers in their own fields), ingested with --log-format, side by
 * side with the stock httplog file. The target: no slower than httplog by more than 20 %.
 *
 *   npm run build && node --import tsx bench/custom-format-bench.ts [--lines N] [--runs R]
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import split2 from 'split2';
import { ensureLog } from './generate-log.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATA = join(ROOT, 'bench', 'data');
const CLI = join(ROOT, 'dist', 'cli.js');
export const CUSTOM_FORMAT =
  '%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %{+Q}r upg=%[var(txn.upg)] conn=%[var(txn.conn)]';

/** httplog line → the same session in CUSTOM_FORMAT (the capture block becomes upg=/conn=). */
function toCustom(line: string): string {
  const m = / \{([^}|]*)\|([^}]*)\} (?:\{[^}]*\} )?(".*")$/.exec(line);
  if (!m) return line;
  const [, upgrade, connection, request] = m as unknown as [string, string, string, string];
  return `${line.slice(0, m.index)} ${request} upg=${upgrade || '-'} conn=${connection || '-'}`;
}

async function derive(from: string, to: string): Promise<void> {
  if (existsSync(to)) return;
  const out = createWriteStream(to);
  for await (const line of createReadStream(from).pipe(split2()) as AsyncIterable<string>) {
    if (!out.write(toCustom(line) + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

function timeIngest(args: string[], runs: number): number {
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const db = join(DATA, 'custom-bench.duckdb');
    rmSync(db, { force: true });
    rmSync(`${db}.wal`, { force: true });
    const t0 = performance.now();
    const result = spawnSync(process.execPath, [CLI, 'ingest', ...args, '--db', db], { encoding: 'utf8' });
    const seconds = (performance.now() - t0) / 1000;
    if (result.status !== 0 || / 0 rejects/.test(result.stdout) === false) throw new Error(`ingest failed or rejected lines: ${result.stdout}${result.stderr}`);
    best = Math.min(best, seconds);
  }
  return best;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { lines: { type: 'string', default: '500000' }, runs: { type: 'string', default: '3' } } });
  const lines = Number(values.lines);
  const runs = Number(values.runs);
  const { path: httplog } = await ensureLog(DATA, lines);
  const custom = httplog.replace(/\.log$/, '-custom.log');
  await derive(httplog, custom);
  const stock = timeIngest([httplog], runs);
  const own = timeIngest([custom, '--log-format', CUSTOM_FORMAT], runs);
  const ratio = own / stock;
  const rel = (p: string) => relative(ROOT, p);
  process.stdout.write(
    [
      `### Custom log-format vs httplog, ${lines.toLocaleString('en-US')} lines (best of ${runs})`,
      '',
      '| format | command | wall (s) | lines/s |',
      '|---|---|--:|--:|',
      `| httplog | \`node dist/cli.js ingest ${rel(httplog)} --db …\` | ${stock.toFixed(2)} | ${Math.round(lines / stock).toLocaleString('en-US')} |`,
      `| custom (upg=/conn=) | \`node dist/cli.js ingest ${rel(custom)} --log-format '…' --db …\` | ${own.toFixed(2)} | ${Math.round(lines / own).toLocaleString('en-US')} |`,
      '',
      `custom / httplog = ${ratio.toFixed(2)} (target ≤ 1.20: ${ratio <= 1.2 ? 'met' : 'NOT met'})`,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`custom-format-bench: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
