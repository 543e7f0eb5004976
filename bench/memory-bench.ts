/**
 * Peak RSS of `wsdiag ingest` across the shapes of input that load it differently (the target: under
 * 400 MB whatever the input), each checked for what it stored:
 *
 *   npm run build && npm run bench:memory -- [--lines N] [--runs R]
 *
 *   plain     bench/data/haproxy-N.log, the generated log of `npm run bench` (committed every 245,760 lines: two DuckDB row groups)
 *   gzip      the same compressed (`haproxy-N.log.gz`, gzip level 1): one transaction for the whole input, since
 *             its damage is only known at its end and then it is rolled back whole
 *   evidence  the same with every termination state set to `SD--` (`haproxy-N-evidence.log`): every session is a
 *             failure whose raw line is kept as evidence (in the plain log, 28% are)
 *
 * Derived files are cached beside the log. Peak RSS is the highest of R runs (default 2), wall the best; MB are
 * MiB (kB / 1024), as in `npm run bench`. Prints a markdown table, also written to bench/data/memory-N.md.
 */
import { createReadStream, createWriteStream, existsSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import split2 from 'split2';
import { DEFAULT_LINES, ensureLog } from './generate-log.js';
import { CLI, ROOT, TIME_NOTE, accountingCheck, haveTime, measure, removeDb, wsdiagQuery } from './run-command.js';

const DATA = join(ROOT, 'bench', 'data');
const TARGET_MB = 400;
const rel = (p: string): string => relative(ROOT, p);

/** Whether `derived` exists and was written after `source`. */
const fresh = (derived: string, source: string): boolean => existsSync(derived) && statSync(derived).mtimeMs > statSync(source).mtimeMs;

async function gzipped(log: string): Promise<string> {
  const out = `${log}.gz`;
  if (!fresh(out, log)) await pipeline(createReadStream(log), createGzip({ level: 1 }), createWriteStream(out));
  return out;
}

/** The termination state (four characters before `actconn/feconn/beconn/srv_conn/retries`) → SD--. */
const TERMINATION = / [-A-Za-z]{4} (\+?\d+\/\d+\/\d+\/\d+\/\+?\d+ )/;

async function allEvidence(log: string): Promise<string> {
  const out = log.replace(/\.log$/, '-evidence.log');
  if (fresh(out, log)) return out;
  const rewrite = new Transform({
    writableObjectMode: true,
    transform(line: string, _encoding, done) {
      done(null, Buffer.from(line.replace(TERMINATION, ' SD-- $1') + '\n', 'latin1'));
    },
  });
  await pipeline(createReadStream(log, 'latin1'), split2(), rewrite, createWriteStream(out));
  return out;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { lines: { type: 'string', default: String(DEFAULT_LINES) }, runs: { type: 'string', default: '2' } },
  });
  const lines = Number(values.lines);
  const runs = Number(values.runs);
  if (!(lines > 0) || !(runs > 0)) throw new Error('usage: memory-bench.ts [--lines N] [--runs R]');
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  if (!haveTime) process.stderr.write(TIME_NOTE);

  const { path: log } = await ensureLog(DATA, lines);
  process.stderr.write('preparing the gzip and all-evidence variants (cached)…\n');
  const cases = [
    { name: 'plain', file: log, everyLineEvidence: false },
    { name: 'gzip (one transaction)', file: await gzipped(log), everyLineEvidence: false },
    { name: 'evidence (every session keeps its line)', file: await allEvidence(log), everyLineEvidence: true },
  ];

  const db = join(DATA, 'memory.duckdb');
  const rows: string[] = [];
  let failed = false;
  for (const c of cases) {
    process.stderr.write(`running wsdiag ingest ${rel(c.file)} ×${runs}… `);
    const m = await measure({ display: c.name, argv: [process.execPath, CLI, 'ingest', c.file, '--db', db], before: () => removeDb(db) }, runs);
    const sessions = Number((await wsdiagQuery('select count(*) as n from sessions', db))[0]?.['n']);
    const mb = m.rssKb === null ? null : m.rssKb / 1024;
    const accounting = await accountingCheck(db, lines);
    const checks = [
      sessions === lines ? `✓ ${int(sessions)} sessions` : `✗ ${int(sessions)} sessions, expected ${int(lines)}`,
      `${accounting.ok ? '✓' : '✗'} ${accounting.text}`,
    ];
    if (c.everyLineEvidence) {
      const evidence = Number((await wsdiagQuery('select count(*) as n from raw_lines', db))[0]?.['n']);
      checks.push(evidence === lines ? '✓ every line kept as evidence' : `✗ ${int(evidence)} evidence lines, expected ${int(lines)}`);
    }
    removeDb(db);
    if (checks.some((check) => check.startsWith('✗'))) failed = true;
    const verdict = mb === null ? 'n/a' : mb < TARGET_MB ? 'under' : '**over**';
    process.stderr.write(`${m.wall.toFixed(2)} s, ${mb === null ? '?' : int(mb)} MB\n`);
    rows.push(`| ${c.name} | \`node dist/cli.js ingest ${rel(c.file)} --db …\` | ${m.wall.toFixed(2)} | ${int(lines / m.wall)} | ${mb === null ? 'n/a' : int(mb)} | ${verdict} | ${checks.join('; ')} |`);
  }

  const table = [
    `### Peak RSS of wsdiag ingest, ${int(lines)} lines per input (best wall, highest RSS of ${runs} run${runs > 1 ? 's' : ''})`,
    '',
    `\`npm run build && npm run bench:memory -- --lines ${lines} --runs ${runs}\``,
    '',
    `| input | command | wall (s) | lines/s | peak RSS (MB) | vs ${TARGET_MB} MB | checks |`,
    '|---|---|--:|--:|--:|---|---|',
    ...rows,
    '',
  ].join('\n');
  process.stdout.write(table);
  writeFileSync(join(DATA, `memory-${lines}.md`), table);
  if (failed) process.exitCode = 1;
}

await main();
