/**
 * Analysis benchmark: the commands that read a database (analyze, report, sessions) against `halog -srv` on the
 * log that database was ingested from, in the same run; then the issue's other analysis targets.
 *
 *   npm run build && npm run bench:analyze -- [--sessions N] [--runs R] [--archive-sessions M] [--days D] [--cgroup-mb MB] [--keep]
 *
 *   --sessions N          sessions in the generated log (default 2,000,000): bench/data/haproxy-N.log, the file of
 *                         `npm run bench`, reused when present
 *   --runs R              best of R runs (default 3; peak RSS is the highest); the README sample and --version run
 *                         best of max(R, 5), being short
 *   --archive-sessions M  sessions of the archive database, spread over --days (default: N)
 *   --days D              days the archive spans (default 30)
 *   --cgroup-mb MB        also run `analyze --db` inside a cgroup v1 memory limit of MB MiB and say whether it completed
 *   --keep                keep the two databases (bench/data/analyze-N.duckdb, archive-M-Dd.duckdb)
 *
 * What it prints (markdown, also written to bench/data/analyze-N.md and .json):
 *  1. The log is ingested once into a database file (its time and peak RSS reported apart, its accounting checked);
 *     then `halog -srv` on the log, `analyze --db F --format json`, `report --db F` and `sessions --db F --format
 *     jsonl` side by side: best wall, CPU, peak RSS, ratio to halog -srv. analyze's JSON (a few kB) is kept to check
 *     that it counted every session; report's and sessions' output go to /dev/null, and one more run of sessions,
 *     not timed, counts its lines.
 *  2. Start-up: `analyze` of the README sample against opening DuckDB in memory and running one query (a few lines
 *     of @duckdb/node-api), `--version` against `node -e 0`, as ratios.
 *  3. Windows: a database of M sessions spread over D days (bench/data/haproxy-M-Dd.log); the rows DuckDB scans of
 *     the sessions table for its last hour (`EXPLAIN (ANALYZE, FORMAT json)` of `SELECT count(*) FROM
 *     sessions_in(since, until, NULL)`, the macro every diagnosis reads the sessions through) against the rows it
 *     holds, and `report --since … --until …` over that hour against `report` over all D days.
 *  4. With --cgroup-mb: `analyze --db F` in a memory cgroup made for it inside this process's own cgroup (cgroup v1,
 *     as root): completed (exit 0, every session counted) or killed, with its peak RSS.
 */
import { statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_LINES, ensureLog } from './generate-log.js';
import {
  CLI, HALOG, ROOT, TIME_NOTE, accountingCheck, checkBuild, contentionMeter, haveTime, measure, memoryCgroup, removeDb, runOnce, tryMeasure,
  wsdiagQuery, type Measurement, type Spec,
} from './run-command.js';

const DATA = join(ROOT, 'bench', 'data');
const MIB = 1024 * 1024;
const HOUR_MS = 3_600_000;
const rel = (p: string): string => relative(ROOT, p) || '.';
const fmt = (n: number, digits = 2): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const mb = (m: Measurement): string => (m.rssKb === null ? 'n/a' : fmt(m.rssKb / 1024, 0));
const cpu = (m: Measurement): string => (m.cpu === null ? 'n/a' : fmt(m.cpu));
const node = (...args: string[]): string[] => [process.execPath, CLI, ...args];

/** The floor of the README sample's analysis: load @duckdb/node-api, open DuckDB in memory, run one query. */
const DUCKDB_ONE_QUERY =
  "import { DuckDBInstance } from '@duckdb/node-api'; const c = await (await DuckDBInstance.create(':memory:')).connect(); await c.runAndReadAll('SELECT 42');";

interface Check {
  readonly ok: boolean;
  readonly text: string;
}

interface Row {
  readonly key: string;
  readonly command: string;
  readonly m: Measurement | null;
  readonly error?: string;
}

async function row(key: string, spec: Spec, runs: number): Promise<Row> {
  const m = await tryMeasure(spec, runs);
  return 'error' in m ? { key, command: spec.display, m: null, error: m.error } : { key, command: spec.display, m };
}

/** Markdown table: wall, CPU, peak RSS, and the ratio of each row's wall to its reference's (`reference`). */
function table(rows: readonly Row[], reference: (r: Row) => Measurement | null, refLabel: string): string {
  const out = [`| Command | Best wall (s) | CPU (s) | Peak RSS (MB) | × ${refLabel} |`, '|---|--:|--:|--:|--:|'];
  for (const r of rows) {
    const { command, m, error } = r;
    const ref = reference(r);
    if (!m) out.push(`| \`${command}\` | failed: ${(error ?? '').replace(/\|/g, '\\|')} | | | |`);
    else out.push(`| \`${command}\` | ${fmt(m.wall)} | ${cpu(m)} | ${mb(m)} | ${ref ? `${fmt(m.wall / ref.wall, 1)}×` : '—'} |`);
  }
  return out.join('\n');
}

/** The ingest of `log` into `db`, measured once and checked (accounting, one session per line). */
async function ingest(log: string, db: string, lines: number): Promise<{ m: Measurement; command: string; checks: Check[] }> {
  const command = `node dist/cli.js ingest ${rel(log)} --db ${rel(db)}`;
  process.stderr.write(`ingesting: ${command}… `);
  const m = await measure({ display: command, argv: node('ingest', log, '--db', db), before: () => removeDb(db) }, 1);
  process.stderr.write(`${fmt(m.wall)} s\n`);
  const sessions = Number((await wsdiagQuery('SELECT count(*) AS n FROM sessions', db))[0]?.['n']);
  return {
    m, command,
    checks: [await accountingCheck(db, lines), { ok: sessions === lines, text: `sessions in ${rel(db)}: ${int(sessions)} (expected ${int(lines)})` }],
  };
}

/** `analyze --format json`'s count of sessions, or why there is none. */
function analysedSessions(m: Measurement): number | string {
  try {
    const sessions = (JSON.parse(m.stdout) as { summary?: { sessions?: unknown } }).summary?.sessions;
    return typeof sessions === 'number' ? sessions : 'no summary.sessions in its JSON';
  } catch {
    return `its output is not JSON (${m.stdout.length} bytes, exit ${m.code})`;
  }
}

/** DuckDB's TIMESTAMP literal (UTC) and the CLI's ISO 8601 form of an instant. */
const sqlTime = (ms: number): string => `TIMESTAMP '${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}'`;
const isoTime = (ms: number): string => new Date(ms).toISOString();

interface PlanNode {
  readonly operator_name?: string;
  readonly operator_rows_scanned?: number;
  readonly operator_cardinality?: number;
  readonly extra_info?: { readonly Table?: string };
  readonly children?: readonly PlanNode[];
}

/** Rows the scans of `table` read and gave out in the profile of `EXPLAIN (ANALYZE, FORMAT json)`. */
function scansOf(plan: PlanNode, table: string): { scanned: number; out: number; scans: number } {
  const total = { scanned: 0, out: 0, scans: 0 };
  const visit = (n: PlanNode): void => {
    if (n.operator_name?.endsWith('SCAN') && n.extra_info?.Table?.split('.').pop()?.replace(/"/g, '') === table) {
      total.scanned += n.operator_rows_scanned ?? 0;
      total.out += n.operator_cardinality ?? 0;
      total.scans++;
    }
    for (const c of n.children ?? []) visit(c);
  };
  visit(plan);
  return total;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sessions: { type: 'string', default: String(DEFAULT_LINES) },
      runs: { type: 'string', default: '3' },
      'archive-sessions': { type: 'string' },
      days: { type: 'string', default: '30' },
      'cgroup-mb': { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  const whole = (flag: string, text: string): number => {
    const n = Number(text.replace(/[_,]/g, ''));
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} takes a positive whole number`);
    return n;
  };
  const sessions = whole('sessions', values.sessions!);
  const runs = whole('runs', values.runs!);
  const archiveSessions = whole('archive-sessions', values['archive-sessions'] ?? String(sessions));
  const days = whole('days', values.days!);
  const cgroupMb = values['cgroup-mb'] === undefined ? null : whole('cgroup-mb', values['cgroup-mb']);
  const shortRuns = Math.max(runs, 5);
  checkBuild();
  if (!haveTime) process.stderr.write(TIME_NOTE);
  const contention = contentionMeter();
  const checks: Check[] = [];

  // 1. The archive's commands against halog -srv on its log.
  const { path: log, reused } = await ensureLog(DATA, sessions);
  const bytes = statSync(log).size;
  process.stderr.write(`${reused ? 'reusing' : 'using'} ${rel(log)}: ${int(sessions)} lines, ${fmt(bytes / 1e6, 1)} MB; warming the page cache…\n`);
  await runOnce({ display: 'warm-up', argv: ['cat', log], discardStdout: true });
  const db = join(DATA, `analyze-${sessions}.duckdb`);
  const dbRel = rel(db);
  const ingested = await ingest(log, db, sessions);
  checks.push(...ingested.checks);
  const dbBytes = statSync(db).size;

  const rows: Row[] = [
    await row('halog-srv', { display: `halog -srv < ${rel(log)}`, argv: [HALOG, '-srv'], stdin: log }, runs),
    await row('analyze', { display: `node dist/cli.js analyze --db ${dbRel} --format json`, argv: node('analyze', '--db', db, '--format', 'json') }, runs),
    await row('report', { display: `node dist/cli.js report --db ${dbRel} > /dev/null`, argv: node('report', '--db', db), discardStdout: true }, runs),
    await row('sessions', { display: `node dist/cli.js sessions --db ${dbRel} --format jsonl > /dev/null`, argv: node('sessions', '--db', db, '--format', 'jsonl'), discardStdout: true }, runs),
  ];
  const byKey = (key: string): Row => rows.find((r) => r.key === key)!;
  const halog = byKey('halog-srv');
  const halogInfo = halog.m ? /(\d+) lines in, (\d+) lines out, (\d+) parsing errors/.exec(halog.m.stderr) : null;
  checks.push({
    ok: !!halogInfo && Number(halogInfo[1]) === sessions && halogInfo[3] === '0',
    text: `\`${halog.command}\`: ${halogInfo ? halogInfo[0] : halog.m ? 'no summary on stderr' : `failed (${halog.error})`}`,
  });
  const analyzed = byKey('analyze').m;
  const counted = analyzed ? analysedSessions(analyzed) : 'it failed';
  checks.push({ ok: counted === sessions, text: `analyze counted ${typeof counted === 'number' ? int(counted) : counted} sessions (expected ${int(sessions)})` });
  process.stderr.write('counting the lines of sessions --format jsonl (not timed)… ');
  const listed = await runOnce({ display: 'sessions (count)', argv: node('sessions', '--db', db, '--format', 'jsonl'), countLines: true });
  process.stderr.write(`${int(listed.stdoutLines ?? 0)}\n`);
  checks.push({ ok: listed.code === 0 && listed.stdoutLines === sessions, text: `sessions --format jsonl wrote ${int(listed.stdoutLines ?? 0)} lines (expected ${int(sessions)}, exit ${listed.code})` });

  // 2. Start-up: the README sample and --version, each against its floor.
  const sample = ['samples/ws-httplog.log', '--config', 'samples/ws-httplog.cfg'];
  const startup: Row[] = [
    await row('duckdb-floor', { display: 'node --input-type=module -e "<open DuckDB in memory, SELECT 42>"', argv: [process.execPath, '--input-type=module', '-e', DUCKDB_ONE_QUERY] }, shortRuns),
    await row('sample', { display: `node dist/cli.js analyze ${sample.join(' ')}`, argv: node('analyze', ...sample), discardStdout: true }, shortRuns),
    await row('node-floor', { display: 'node -e 0', argv: [process.execPath, '-e', '0'] }, shortRuns),
    await row('version', { display: 'node dist/cli.js --version', argv: node('--version') }, shortRuns),
  ];
  const start = (key: string): Measurement | null => startup.find((r) => r.key === key)!.m;
  const ratio = (a: Measurement | null, b: Measurement | null): string => (a && b ? `${fmt(a.wall / b.wall, 1)}×` : 'n/a');

  // 3. A window of an hour out of an archive of `days` days.
  const { path: archiveLog, summary: archiveSummary } = await ensureLog(DATA, archiveSessions, days);
  const archiveDb = join(DATA, `archive-${archiveSessions}-${days}d.duckdb`);
  const archiveRel = rel(archiveDb);
  const archived = await ingest(archiveLog, archiveDb, archiveSessions);
  checks.push(...archived.checks);
  // The last hour of the archive; until is exclusive, so it lies just past the last session.
  const untilMs = Date.parse(archiveSummary.lastAccept) + 1;
  const sinceMs = untilMs - HOUR_MS;
  const window = `sessions_in(${sqlTime(sinceMs)}, ${sqlTime(untilMs)}, NULL)`;
  const [explained] = await wsdiagQuery(`EXPLAIN (ANALYZE, FORMAT json) SELECT count(*) FROM ${window}`, archiveDb);
  const scan = scansOf(JSON.parse(String(explained?.['explain_value'])) as PlanNode, 'session_rows');
  const held = Number((await wsdiagQuery('SELECT count(*) AS n FROM session_rows', archiveDb))[0]?.['n']);
  const inWindow = Number((await wsdiagQuery(`SELECT count(*) AS n FROM ${window}`, archiveDb))[0]?.['n']);
  const groups = await wsdiagQuery("SELECT count(DISTINCT row_group_id) AS n FROM pragma_storage_info('session_rows')", archiveDb)
    .then((r) => ({ n: Number(r[0]?.['n']) }), () => null);
  checks.push({ ok: scan.scans > 0 && scan.out === inWindow, text: `the scan of session_rows gave out ${int(scan.out)} rows, the window holds ${int(inWindow)} sessions` });
  const windowArgs = ['--since', isoTime(sinceMs), '--until', isoTime(untilMs)];
  const archiveRows: Row[] = [
    await row('report-hour', { display: `node dist/cli.js report --db ${archiveRel} ${windowArgs.join(' ')} > /dev/null`, argv: node('report', '--db', archiveDb, ...windowArgs), discardStdout: true }, runs),
    await row('report-all', { display: `node dist/cli.js report --db ${archiveRel} > /dev/null`, argv: node('report', '--db', archiveDb), discardStdout: true }, runs),
  ];
  const reported = await runOnce({ display: 'report (check)', argv: node('report', '--db', archiveDb, ...windowArgs, '--format', 'json') });
  const reportedSessions = reported.code === 0 ? analysedSessions(reported) : `exit ${reported.code}`;
  checks.push({ ok: reportedSessions === inWindow, text: `report over the hour counted ${typeof reportedSessions === 'number' ? int(reportedSessions) : reportedSessions} sessions (the window holds ${int(inWindow)})` });

  // 4. analyze under a memory limit.
  let cgroupText: string[] = [];
  let cgroupJson: Record<string, unknown> | null = null;
  if (cgroupMb !== null) {
    const cgroup = memoryCgroup(`wsdiag-bench-${process.pid}`, cgroupMb * MIB);
    const command = `node dist/cli.js analyze --db ${dbRel} --format json`;
    if (typeof cgroup === 'string') {
      cgroupText = [`Not run: ${cgroup}.`];
      cgroupJson = { limitMb: cgroupMb, error: cgroup };
      checks.push({ ok: false, text: `analyze under ${cgroupMb} MiB: not run (${cgroup})` });
    } else {
      try {
        process.stderr.write(`running ${command} in ${cgroup.dir} (limit ${cgroupMb} MiB)… `);
        const m = await runOnce({ display: command, argv: node('analyze', '--db', db, '--format', 'json'), cgroup: cgroup.dir });
        const kills = cgroup.oomKills();
        const seen = m.code === 0 ? analysedSessions(m) : null;
        const completed = m.code === 0 && seen === sessions;
        const outcome = completed ? 'completed' : kills > 0 ? `killed by the kernel for want of memory (exit ${m.code})` : `failed (exit ${m.code}: ${m.stderr.trim().split('\n').pop() ?? ''})`;
        process.stderr.write(`${outcome}\n`);
        const usage = cgroup.maxUsageBytes();
        cgroupText = [
          `\`${command}\` in a cgroup v1 memory limit of ${int(cgroupMb)} MiB (a cgroup made for it inside the benchmark's own): **${outcome}** in ${fmt(m.wall)} s, ` +
            `peak RSS ${mb(m)} MB; the cgroup was charged at most ${fmt(usage / MIB, 0)} MiB (what the command's own pages took: the code of ` +
            `node and DuckDB, already cached by earlier runs, is charged to the cgroup that first read it, so this can be below the RSS)` +
            `${m.code === 0 ? `; it counted ${typeof seen === 'number' ? int(seen) : seen} sessions` : ''}.`,
        ];
        cgroupJson = { limitMb: cgroupMb, completed, code: m.code, oomKills: kills, wall: m.wall, cpu: m.cpu, rssKb: m.rssKb, maxUsageBytes: usage };
        checks.push({ ok: completed, text: `analyze under ${cgroupMb} MiB: ${outcome}` });
      } finally {
        cgroup.remove();
      }
    }
  }

  const duckdbVersion = await wsdiagQuery('SELECT version() AS v', db).then((r) => String(r[0]?.['v'] ?? '?'), () => '?');
  if (!values.keep) {
    removeDb(db);
    removeDb(archiveDb);
  }
  const { otherCpuSeconds, elapsed, noisy, text: load } = contention();
  if (noisy) process.stderr.write(`note: ${load}\n`);
  const machine = `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GB RAM`;
  const analyzeRow = byKey('analyze').m;
  const windowShare = held ? scan.scanned / held : 0;
  const halogM = byKey('halog-srv').m;
  const md = [
    `### Analysis: ${int(sessions)} sessions (${fmt(bytes / 1e6, 0)} MB of \`option httplog\`, a ${fmt(dbBytes / 1e6, 0)} MB database)`,
    '',
    `\`npm run build && npm run bench:analyze -- --sessions ${sessions} --runs ${runs}` +
      `${archiveSessions !== sessions ? ` --archive-sessions ${archiveSessions}` : ''}${days !== 30 ? ` --days ${days}` : ''}${cgroupMb !== null ? ` --cgroup-mb ${cgroupMb}` : ''}\` — ` +
      `${machine}; Node ${process.version}, DuckDB ${duckdbVersion}; warm page cache, best of ${runs} run${runs > 1 ? 's' : ''} (peak RSS: the highest); ${load}.`,
    '',
    `The database, ingested once: \`${ingested.command}\` ${fmt(ingested.m.wall)} s, ${cpu(ingested.m)} CPU-s, peak RSS ${mb(ingested.m)} MB (not in the table).`,
    '',
    table(rows, () => halogM, '`halog -srv`'),
    '',
    `analyze is **${ratio(analyzeRow, halogM)}** \`halog -srv\` (target ≤ 10× at 2 M sessions, peak RSS < 400 MB).`,
    '',
    `#### Start-up (best of ${shortRuns})`,
    '',
    table(startup, (r) => (r.key === 'sample' ? start('duckdb-floor') : r.key === 'version' ? start('node-floor') : null), 'its floor (the row above)'),
    '',
    `- README sample: \`analyze\` is **${ratio(start('sample'), start('duckdb-floor'))}** opening DuckDB in memory and running one query (target ≤ 2×); ` +
      `the floor is \`node --input-type=module -e "${DUCKDB_ONE_QUERY}"\`.`,
    `- \`--version\` is **${ratio(start('version'), start('node-floor'))}** \`node -e 0\`.`,
    '',
    `#### A window of one hour out of ${days} days (${int(archiveSessions)} sessions)`,
    '',
    `\`${archived.command}\`: ${fmt(archived.m.wall)} s, peak RSS ${mb(archived.m)} MB. The window: ${isoTime(sinceMs)} to ${isoTime(untilMs)} ` +
      `(the archive's last hour; \`--until\` is exclusive).`,
    '',
    `- \`EXPLAIN (ANALYZE, FORMAT json) SELECT count(*) FROM sessions_in(since, until, NULL)\`: the scan of \`session_rows\` read ` +
      `**${int(scan.scanned)} of its ${int(held)} rows (${fmt(windowShare * 100, 1)}%)** to give the ${int(inWindow)} sessions of the hour ` +
      `(${fmt((HOUR_MS / (days * 86_400_000)) * 100, 2)}% of the ${days} days)` +
      `${groups ? `; the table has ${int(groups.n)} row group${groups.n === 1 ? '' : 's'}` : ''}.`,
    '',
    table(archiveRows, () => archiveRows[1]?.m ?? null, `report over ${days} days`),
    '',
    ...(cgroupText.length ? [`#### Under a memory limit`, '', ...cgroupText, ''] : []),
    'Checks:',
    '',
    ...checks.map((c) => `- ${c.ok ? '✓' : '✗'} ${c.text}`),
  ];
  const text = md.join('\n') + '\n';
  process.stdout.write('\n' + text);
  writeFileSync(join(DATA, `analyze-${sessions}.md`), text);
  const measured = (r: Row): Record<string, unknown> => ({ key: r.key, command: r.command, wall: r.m?.wall ?? null, cpu: r.m?.cpu ?? null, rssKb: r.m?.rssKb ?? null, error: r.error ?? null });
  writeFileSync(
    join(DATA, `analyze-${sessions}.json`),
    JSON.stringify({
      sessions, bytes, dbBytes, runs, machine, node: process.version, duckdb: duckdbVersion, otherCpuSeconds, elapsed,
      ingest: { wall: ingested.m.wall, cpu: ingested.m.cpu, rssKb: ingested.m.rssKb },
      results: rows.map(measured), startup: startup.map(measured),
      archive: { sessions: archiveSessions, days, since: isoTime(sinceMs), until: isoTime(untilMs), held, inWindow, rowsScanned: scan.scanned, rowGroups: groups?.n ?? null, reports: archiveRows.map(measured) },
      cgroup: cgroupJson, checks,
    }, null, 2) + '\n',
  );
  process.stderr.write(`\nwritten to ${rel(join(DATA, `analyze-${sessions}.md`))}${values.keep ? `; kept ${dbRel} and ${archiveRel}` : ''}\n`);
  if (checks.some((c) => !c.ok)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
