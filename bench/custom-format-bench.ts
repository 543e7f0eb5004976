/**
 * The ingest benchmark again with a custom log-format: the same sessions written as
 *   … %{+Q}r upg=%[var(txn.upg)] conn=%[var(txn.conn)]
 * (no capture block, the Upgrade/Connection headers in their own fields), ingested with --log-format, side by
 * side with the stock httplog file and with `halog -srv` on the httplog file, in the same run. The targets: no
 * slower than httplog by more than 20 %, and the same ratio to halog as httplog's. Each ingest's accounting is
 * checked (lines read = sessions + events + rejects + blank + …, and no rejects).
 *
 *   npm run build && node --import tsx bench/custom-format-bench.ts [--lines N] [--runs R]
 */
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import split2 from 'split2';
import { DEFAULT_LINES, ensureLog } from './generate-log.js';
import { CLI, HALOG, ROOT, accountingCheck, measure, removeDb, runOnce, type Measurement } from './run-command.js';

const DATA = join(ROOT, 'bench', 'data');
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

interface Result {
  readonly label: string;
  readonly command: string;
  readonly m: Measurement;
  readonly check: string;
}

async function ingest(label: string, log: string, extra: string[], lines: number, runs: number): Promise<Result> {
  const db = join(DATA, 'custom-bench.duckdb');
  const rel = (p: string): string => relative(ROOT, p);
  const display = `node dist/cli.js ingest ${rel(log)}${extra.length ? " --log-format '…'" : ''} --db ${rel(db)}`;
  process.stderr.write(`running ${display} ×${runs}… `);
  const m = await measure({ display, argv: [process.execPath, CLI, 'ingest', log, ...extra, '--db', db], before: () => removeDb(db) }, runs);
  process.stderr.write(`${m.wall.toFixed(2)} s\n`);
  const accounting = await accountingCheck(db, lines);
  const clean = accounting.ok && / 0 rejects/.test(m.stdout);
  removeDb(db);
  return { label, command: display, m, check: `${clean ? '✓' : '✗'} ${accounting.text}` };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { lines: { type: 'string', default: String(DEFAULT_LINES) }, runs: { type: 'string', default: '3' } } });
  const lines = Number(values.lines!.replace(/[_,]/g, ''));
  const runs = Number(values.runs);
  if (!Number.isInteger(lines) || lines < 1 || !Number.isInteger(runs) || runs < 1) throw new Error('usage: custom-format-bench.ts [--lines N] [--runs R]');
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  const { path: httplog } = await ensureLog(DATA, lines);
  const custom = httplog.replace(/\.log$/, '-custom.log');
  await derive(httplog, custom);
  const rel = (p: string): string => relative(ROOT, p);
  for (const file of [httplog, custom]) await runOnce({ display: 'warm-up', argv: ['cat', file], discardStdout: true });

  process.stderr.write(`running halog -srv < ${rel(httplog)} ×${runs}… `);
  const halog = await measure({ display: `halog -srv < ${rel(httplog)}`, argv: [HALOG, '-srv'], stdin: httplog }, runs);
  process.stderr.write(`${halog.wall.toFixed(2)} s\n`);
  const stock = await ingest('httplog', httplog, [], lines, runs);
  const own = await ingest('custom (upg=/conn=)', custom, ['--log-format', CUSTOM_FORMAT], lines, runs);
  const ratio = own.m.wall / stock.m.wall;
  const row = (label: string, command: string, m: Measurement, bytes: number): string =>
    `| ${label} | \`${command}\` | ${m.wall.toFixed(2)} | ${m.cpu === null ? 'n/a' : m.cpu.toFixed(2)} | ${Math.round(lines / m.wall).toLocaleString('en-US')} | ` +
    `${(bytes / 1e6 / m.wall).toFixed(0)} | ${m.rssKb === null ? 'n/a' : Math.round(m.rssKb / 1024)} | ${(m.wall / halog.wall).toFixed(1)}× |`;
  const text = [
    `### Custom log-format vs httplog, ${lines.toLocaleString('en-US')} lines (best of ${runs}, warm page cache)`,
    '',
    '| format | command | wall (s) | CPU (s) | lines/s | MB/s | peak RSS (MB) | × `halog -srv` |',
    '|---|---|--:|--:|--:|--:|--:|--:|',
    row('halog', `halog -srv < ${rel(httplog)}`, halog, statSync(httplog).size),
    row(stock.label, stock.command, stock.m, statSync(httplog).size),
    row(own.label, own.command, own.m, statSync(custom).size),
    '',
    `custom / httplog = ${ratio.toFixed(2)} (target ≤ 1.20: ${ratio <= 1.2 ? 'met' : 'NOT met'})`,
    '',
    'Checks:',
    '',
    `- httplog: ${stock.check}`,
    `- custom: ${own.check}`,
    '',
  ].join('\n');
  process.stdout.write(text);
  if (![stock, own].every((r) => r.check.startsWith('✓'))) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`custom-format-bench: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
