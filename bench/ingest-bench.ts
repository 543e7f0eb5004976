/**
 * Ingest benchmark: wsdiag against `cat` (the floor) and `halog` (HAProxy's own log analyser), same file.
 *
 *   npm run build && npm run bench -- [--lines N] [--runs R] [--keep] [--no-stages]
 *
 *   --lines N    lines in the generated log (default 2,000,000, ~210 bytes each)
 *   --runs R     run each command R times and report the fastest run (default 1; peak RSS is the max)
 *   --keep       keep the DuckDB file(s) after the run (default: deleted once verified)
 *   --no-stages  skip the breakdown of wsdiag's time (read / parse / in-memory store / file store)
 *
 * The log goes to bench/data/haproxy-N.log (gitignored) with a summary beside it (haproxy-N.json); a file
 * already there for the same N, seed and generator version is reused. The page cache is warmed first, so
 * every command reads from memory. Wall time is measured here; CPU time and peak RSS come from
 * /usr/bin/time (`apt-get install -y time`), or else from polling /proc/PID/status (VmHWM).
 * Results: a markdown table on stdout, also written to bench/data/results-N.md and .json.
 */
import { statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_LINES, ensureLog } from './generate-log.js';
import { CLI, HALOG, ROOT, TIME_NOTE, accountingCheck, checkBuild, contentionMeter, haveTime, removeDb, runOnce, tryMeasure, wsdiagQuery, type Measurement, type Spec } from './run-command.js';

const DATA = join(ROOT, 'bench', 'data');
const rel = (p: string): string => relative(ROOT, p) || '.';

function sameCounts(expected: Record<string, number>, rows: Record<string, unknown>[]): string | null {
  const got: Record<string, number> = {};
  for (const r of rows) got[String(r['k'])] = Number(r['n']);
  const keys = new Set([...Object.keys(expected), ...Object.keys(got)]);
  const diffs = [...keys].filter((k) => (expected[k] ?? 0) !== (got[k] ?? 0)).map((k) => `${k}: expected ${expected[k] ?? 0}, got ${got[k] ?? 0}`);
  return diffs.length ? diffs.join('; ') : null;
}

const fmt = (n: number, digits = 2): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const int = (n: number): string => Math.round(n).toLocaleString('en-US');

interface Row {
  readonly label: string;
  readonly command: string;
  /** Null when the command failed (then `error` says why); only the wsdiag ingest itself is fatal. */
  readonly m: Measurement | null;
  readonly error?: string;
}

/** Measures a comparison or a stage; a failure becomes a row that says so instead of ending the benchmark. */
async function tryRow(label: string, spec: Spec, runs: number): Promise<Row> {
  const m = await tryMeasure(spec, runs);
  return 'error' in m ? { label, command: spec.display, m: null, error: m.error } : { label, command: spec.display, m };
}

/** Seconds the process itself reports for its pipeline (no startup, no database open/close), or null. */
function inProcessSeconds(m: Measurement): number | null {
  const json = /"seconds":([\d.]+)/.exec(m.stdout);
  if (json) return Number(json[1]);
  const text = / in ([\d.]+) s \(/.exec(m.stdout);
  return text ? Number(text[1]) : null;
}

function table(rows: readonly Row[], lines: number, bytes: number, reference: Measurement | null, refLabel: string, withPipeline = false): string {
  const head = `| | Command | Wall (s) |${withPipeline ? ' Pipeline (s) |' : ''} Lines/s | MB/s | CPU (s) | Peak RSS (MB) | × ${refLabel} |`;
  const out = [head, `|---|---|--:|${withPipeline ? '--:|' : ''}--:|--:|--:|--:|--:|`];
  for (const { label, command, m, error } of rows) {
    if (!m) {
      out.push(`| ${label} | \`${command}\` | failed: ${(error ?? '').replace(/\|/g, '\\|')} |${withPipeline ? ' |' : ''} | | | | |`);
      continue;
    }
    const pipeline = inProcessSeconds(m);
    out.push(
      `| ${label} | \`${command}\` | ${fmt(m.wall)} |${withPipeline ? ` ${pipeline === null ? 'n/a' : fmt(pipeline)} |` : ''} ${int(lines / m.wall)} | ` +
        `${fmt(bytes / 1e6 / m.wall, 0)} | ${m.cpu === null ? 'n/a' : fmt(m.cpu)} | ` +
        `${m.rssKb === null ? 'n/a' : fmt(m.rssKb / 1024, 0)} | ${reference ? `${fmt(m.wall / reference.wall, 1)}×` : 'n/a'} |`,
    );
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      lines: { type: 'string', default: String(DEFAULT_LINES) },
      runs: { type: 'string', default: '1' },
      keep: { type: 'boolean', default: false },
      'no-stages': { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  const lines = Number(values.lines!.replace(/[_,]/g, ''));
  const runs = Number(values.runs);
  if (!Number.isInteger(lines) || lines < 1) throw new Error('--lines takes a positive whole number');
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive whole number');
  checkBuild();
  if (!haveTime) process.stderr.write(TIME_NOTE);

  const contention = contentionMeter();
  const { path: log, summary, reused } = await ensureLog(DATA, lines);
  const logRel = rel(log);
  const bytes = statSync(log).size;
  const db = join(DATA, 'bench.duckdb');
  const dbRel = rel(db);
  const ingestArgv = [process.execPath, CLI, 'ingest', log, '--db', db];
  const ingestDisplay = `node dist/cli.js ingest ${logRel} --db ${dbRel}`;

  // Warm the page cache so that every command reads the file from memory.
  process.stderr.write(`${reused ? 'reusing' : 'using'} ${logRel}: ${lines.toLocaleString('en-US')} lines, ${(bytes / 1e6).toFixed(1)} MB; warming the page cache…\n`);
  await runOnce({ display: 'warm-up', argv: ['cat', log], discardStdout: true });

  const specs: { label: string; spec: Spec; key: string }[] = [
    { key: 'cat', label: 'floor', spec: { display: `cat ${logRel} > /dev/null`, argv: ['cat', log], discardStdout: true } },
    { key: 'wc', label: 'floor', spec: { display: `wc -l ${logRel}`, argv: ['wc', '-l', log] } },
    { key: 'halog-srv', label: 'halog', spec: { display: `halog -srv < ${logRel}`, argv: [HALOG, '-srv'], stdin: log } },
    { key: 'halog-srv-q', label: 'halog', spec: { display: `halog -srv -q < ${logRel}`, argv: [HALOG, '-srv', '-q'], stdin: log } },
    { key: 'halog-st', label: 'halog', spec: { display: `halog -st < ${logRel}`, argv: [HALOG, '-st'], stdin: log } },
    { key: 'wsdiag', label: '**wsdiag**', spec: { display: ingestDisplay, argv: ingestArgv, before: () => removeDb(db) } },
  ];
  const stageSpecs: { label: string; spec: Spec; key: string }[] = values['no-stages']
    ? []
    : [
        { key: 'read', label: 'read + split', spec: { display: `node --import tsx bench/ingest-stages.ts ${logRel} --stage read`, argv: [process.execPath, '--import', 'tsx', join(ROOT, 'bench', 'ingest-stages.ts'), log, '--stage', 'read'] } },
        { key: 'parse', label: '+ parse', spec: { display: `node --import tsx bench/ingest-stages.ts ${logRel} --stage parse`, argv: [process.execPath, '--import', 'tsx', join(ROOT, 'bench', 'ingest-stages.ts'), log, '--stage', 'parse'] } },
        { key: 'memory', label: '+ DuckDB append, in memory', spec: { display: `node dist/cli.js ingest ${logRel}`, argv: [process.execPath, CLI, 'ingest', log] } },
      ];

  const results = new Map<string, Row>();
  for (const { key, label, spec } of specs) {
    const row = await tryRow(label, spec, runs);
    if (key === 'wsdiag' && !row.m) throw new Error(`wsdiag ingest failed: ${row.error}`);
    results.set(key, row);
  }

  // Correctness: halog saw every line; wsdiag stored every line as a session, with the generated distribution.
  const checks: { ok: boolean; text: string }[] = [];
  for (const key of ['halog-srv', 'halog-st']) {
    const r = results.get(key)!;
    const info = r.m ? /(\d+) lines in, (\d+) lines out, (\d+) parsing errors/.exec(r.m.stderr) : null;
    checks.push({
      ok: !!info && Number(info[1]) === lines && info[3] === '0',
      text: `\`${r.command}\`: ${info ? info[0] : r.m ? 'no summary on stderr' : `failed (${r.error})`}`,
    });
  }
  // The database's path as the tables show it (relative to the repository): a results file names no machine's paths.
  const ingestOut = (results.get('wsdiag')!.m!.stdout.trim().split('\n').pop() ?? '').replace(join(ROOT, '/'), '');
  const count = Number((await wsdiagQuery('select count(*) as n from sessions', db))[0]?.['n']);
  checks.push({ ok: count === lines, text: `sessions in ${dbRel}: ${count.toLocaleString('en-US')} (expected ${lines.toLocaleString('en-US')})` });
  checks.push(await accountingCheck(db, lines));
  const rejects = Number((await wsdiagQuery('select count(*) as n from rejects', db))[0]?.['n']);
  checks.push({ ok: rejects === 0, text: `rejects: ${rejects}` });
  const statusDiff = sameCounts(summary.statuses, await wsdiagQuery('select cast(status as varchar) as k, count(*) as n from sessions group by 1', db));
  checks.push({ ok: statusDiff === null, text: `sessions per status match the generator${statusDiff ? `: ${statusDiff}` : ''}` });
  const termDiff = sameCounts(summary.terminations, await wsdiagQuery('select termination as k, count(*) as n from sessions group by 1', db));
  checks.push({ ok: termDiff === null, text: `sessions per termination state match the generator${termDiff ? `: ${termDiff}` : ''}` });
  const dbBytes = statSync(db).size;

  const stageRows: Row[] = [];
  for (const { key, label, spec } of stageSpecs) {
    const row = await tryRow(label, spec, runs);
    stageRows.push(row);
    if (key === 'parse' && row.m) {
      const counted = JSON.parse(row.m.stdout.trim()) as { sessions: number };
      checks.push({ ok: counted.sessions === lines, text: `parse stage: ${counted.sessions.toLocaleString('en-US')} sessions` });
    }
  }
  const halog = results.get('halog-srv')!.m;
  const cat = results.get('cat')!.m;
  const ws = results.get('wsdiag')!.m!;
  // The last stage is the full ingest, measured above.
  if (stageRows.length) stageRows.push({ label: '+ write to a .duckdb file (= wsdiag)', command: ingestDisplay, m: ws });
  const duckdbVersion = await wsdiagQuery('select version() as v', db).then((r) => String(r[0]?.['v'] ?? '?'), () => '?');
  if (!values.keep) removeDb(db);
  const haproxyVersion = await runOnce({ display: 'haproxy -v', argv: ['haproxy', '-v'] }).then(
    (m) => /version (\S+)/.exec(m.stdout)?.[1] ?? '?',
    () => '?',
  );
  // Contention: CPU the machine spent on anything but this benchmark and the commands it ran.
  const { otherCpuSeconds: other, elapsed, noisy, text: load } = contention();
  if (noisy) process.stderr.write(`note: ${load}\n`);
  const machine = `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GB RAM`;

  const md = [
    `### Ingest: ${lines.toLocaleString('en-US')} lines (${(bytes / 1e6).toFixed(0)} MB, \`option httplog\` with syslog prefix)`,
    '',
    `\`npm run build && npm run bench -- --lines ${lines}${runs > 1 ? ` --runs ${runs}` : ''}\` — ${machine}; Node ${process.version}, DuckDB ${duckdbVersion}, ` +
      `halog from HAProxy ${haproxyVersion}; warm page cache${runs > 1 ? `, best of ${runs} runs` : ', one run each'}; ` +
      `${load}.`,
    '',
    table([...results.values()], lines, bytes, halog, '`halog -srv`'),
    '',
    `wsdiag is **${halog ? fmt(ws.wall / halog.wall, 1) : 'n/a'}×** \`halog -srv\`'s wall time (${cat ? fmt(ws.wall / cat.wall, 0) : 'n/a'}× the \`cat\` floor) and stores ` +
      `${lines.toLocaleString('en-US')} queryable sessions in a ${(dbBytes / 1e6).toFixed(0)} MB database (${fmt(dbBytes / bytes * 100, 0)}% of the log). ` +
      `CPU > wall means more than one thread (DuckDB, libuv).`,
  ];
  if (stageRows.length) {
    md.push(
      '',
      `Where wsdiag's time goes: each row runs the pipeline up to that stage, so the difference between two rows is that stage's cost. ` +
        `*Pipeline* is the time the process reports for the work itself (no Node/tsx start-up, no database open or closing checkpoint); ` +
        `lines/s and MB/s are from wall time.`,
      '',
      table(stageRows, lines, bytes, ws, 'wsdiag', true),
    );
  }
  md.push('', 'Checks:', '', ...checks.map((c) => `- ${c.ok ? '✓' : '✗'} ${c.text}`), '', `wsdiag said: \`${ingestOut}\``);
  const text = md.join('\n') + '\n';
  process.stdout.write('\n' + text);
  writeFileSync(join(DATA, `results-${lines}.md`), text);
  writeFileSync(
    join(DATA, `results-${lines}.json`),
    JSON.stringify({ lines, bytes, runs, machine, otherCpuSeconds: other, elapsed, node: process.version, duckdb: duckdbVersion, haproxy: haproxyVersion, dbBytes, checks,
      results: [...results.entries()].map(([key, r]) => ({ key, command: r.command, wall: r.m?.wall ?? null, cpu: r.m?.cpu ?? null, rssKb: r.m?.rssKb ?? null, error: r.error ?? null })),
      stages: stageRows.map((r) => ({ stage: r.label, command: r.command, wall: r.m?.wall ?? null, cpu: r.m?.cpu ?? null, rssKb: r.m?.rssKb ?? null, error: r.error ?? null })),
    }, null, 2) + '\n',
  );
  process.stderr.write(`\nwritten to ${rel(join(DATA, `results-${lines}.md`))}${values.keep ? `; kept ${dbRel}` : ''}\n`);
  if (checks.some((c) => !c.ok)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
