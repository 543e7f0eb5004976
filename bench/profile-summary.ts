/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function (name + script), inclusive time
 * by function, and self time by area of the code (wsdiag's parse / input / store modules, the DuckDB binding,
 * Node internals, GC). Only the main JavaScript thread is sampled: DuckDB's own worker threads are not in it,
 * but its synchronous work called from JavaScript (appender flushes, appendDataChunk) is, under the calling
 * function.
 *
 * usage: node --import tsx bench/profile-summary.ts FILE.cpuprofile [--top N]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface FunctionTime {
  readonly key: string;
  readonly area: string;
  selfUs: number;
  totalUs: number;
  /** Self time by immediate caller. */
  readonly callers: Map<string, number>;
}

export interface ProfileSummary {
  readonly totalUs: number;
  readonly functions: readonly FunctionTime[];
  readonly areas: readonly { area: string; selfUs: number }[];
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function shortUrl(url: string): string {
  if (!url) return '';
  let u = url.startsWith('file://') ? fileURLToPath(url) : url;
  if (u.startsWith(ROOT)) u = u.slice(ROOT.length);
  const nm = u.lastIndexOf('node_modules/');
  return nm >= 0 ? u.slice(nm) : u;
}

/** Coarse area of the code a frame belongs to. */
export function areaOf(frame: CallFrame): string {
  const name = frame.functionName;
  const url = shortUrl(frame.url);
  if (name === '(garbage collector)') return 'GC';
  if (name === '(idle)') return 'idle';
  if (name === '(program)') return 'V8/native (program)';
  if (name === '(root)') return 'root';
  const m = /^(?:dist|src)\/([^/]+)\//.exec(url);
  if (m) return `wsdiag ${m[1]}/`;
  if (url.startsWith('dist/cli.js')) return 'wsdiag cli';
  if (url.includes('@duckdb/')) return 'DuckDB binding (node-api)';
  if (url.includes('node_modules/split2')) return 'split2';
  if (url.includes('node_modules/')) return 'other dependencies';
  if (url.startsWith('node:')) return 'Node internals';
  if (!url) return 'native / builtins (no script)';
  return 'other';
}

export function summarize(profile: CpuProfile): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const keyOf = new Map<number, string>();
  const functions = new Map<string, FunctionTime>();
  for (const node of profile.nodes) {
    const f = node.callFrame;
    const url = shortUrl(f.url);
    // Named functions: name + script. Anonymous ones also by line, or all arrows of a file would merge.
    const key = f.functionName
      ? `${f.functionName}${url ? ` ${url}` : ''}`
      : `(anonymous) ${url}:${f.lineNumber + 1}`;
    keyOf.set(node.id, key);
    if (!functions.has(key)) functions.set(key, { key, area: areaOf(f), selfUs: 0, totalUs: 0, callers: new Map() });
  }
  // Sample i lasts until sample i+1 (as DevTools counts it); the last one gets the mean interval.
  const { samples, timeDeltas } = profile;
  const total = profile.endTime - profile.startTime;
  const mean = samples.length ? total / samples.length : 0;
  for (let i = 0; i < samples.length; i++) {
    const duration = i + 1 < timeDeltas.length ? timeDeltas[i + 1]! : mean;
    const id = samples[i]!;
    const leaf = functions.get(keyOf.get(id)!)!;
    leaf.selfUs += duration;
    const caller = parent.get(id);
    const callerKey = caller === undefined ? '(none)' : keyOf.get(caller)!;
    leaf.callers.set(callerKey, (leaf.callers.get(callerKey) ?? 0) + duration);
    // Inclusive: once per function on the stack (recursion counted once).
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const key = keyOf.get(n)!;
      if (seen.has(key)) continue;
      seen.add(key);
      functions.get(key)!.totalUs += duration;
    }
  }
  const areas = new Map<string, number>();
  for (const f of functions.values()) areas.set(f.area, (areas.get(f.area) ?? 0) + f.selfUs);
  const sampled = [...functions.values()].reduce((s, f) => s + f.selfUs, 0);
  return {
    totalUs: sampled,
    functions: [...functions.values()],
    areas: [...areas.entries()].map(([area, selfUs]) => ({ area, selfUs })).sort((a, b) => b.selfUs - a.selfUs),
  };
}

const pct = (part: number, whole: number): string => `${((part / whole) * 100).toFixed(1)}%`;
const ms = (us: number): string => (us / 1000).toFixed(0);

export function formatSummary(s: ProfileSummary, top = 15): string {
  const out: string[] = [];
  const idle = s.functions.filter((f) => f.area === 'idle').reduce((sum, f) => sum + f.selfUs, 0);
  const busy = s.totalUs - idle;
  out.push(
    `Sampled time on this thread: ${(s.totalUs / 1e6).toFixed(2)} s, of which ${(idle / 1e6).toFixed(2)} s idle ` +
      `(waiting on I/O, on the other thread or on DuckDB's own threads); *busy %* leaves idle out.`,
    '',
  );
  out.push(`Top ${top} functions by self time:`, '', '| # | Function (script) | Area | Self ms | Self % | Busy % | Main callers |', '|--:|---|---|--:|--:|--:|---|');
  [...s.functions].sort((a, b) => b.selfUs - a.selfUs).slice(0, top).forEach((f, i) => {
    const callers = [...f.callers.entries()].sort((a, b) => b[1] - a[1]).slice(0, 2)
      .map(([k, us]) => `${k.split(' ')[0]} ${pct(us, f.selfUs)}`).join(', ');
    out.push(`| ${i + 1} | \`${f.key}\` | ${f.area} | ${ms(f.selfUs)} | ${pct(f.selfUs, s.totalUs)} | ${f.area === 'idle' ? '' : pct(f.selfUs, busy)} | ${callers} |`);
  });
  out.push('', 'Self time by area:', '', '| Area | Self ms | Self % | Busy % |', '|---|--:|--:|--:|');
  for (const a of s.areas) out.push(`| ${a.area} | ${ms(a.selfUs)} | ${pct(a.selfUs, s.totalUs)} | ${a.area === 'idle' ? '' : pct(a.selfUs, busy)} |`);
  out.push('', `Top ${top + 5} wsdiag/DuckDB functions by inclusive time (self + callees):`, '', '| Function (script) | Total ms | Total % |', '|---|--:|--:|');
  [...s.functions]
    .filter((f) => f.area.startsWith('wsdiag') || f.area.startsWith('DuckDB') || f.area === 'split2')
    .sort((a, b) => b.totalUs - a.totalUs)
    .slice(0, top + 5)
    .forEach((f) => out.push(`| \`${f.key}\` | ${ms(f.totalUs)} | ${pct(f.totalUs, s.totalUs)} |`));
  return out.join('\n') + '\n';
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '15' } }, allowPositionals: true });
  const file = positionals[0];
  if (!file) {
    process.stderr.write('usage: profile-summary.ts FILE.cpuprofile [--top N]\n');
    process.exitCode = 1;
  } else {
    process.stdout.write(formatSummary(summarize(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile), Number(values.top)));
  }
}
