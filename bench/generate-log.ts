/**
 * Writes a realistic, deterministic HAProxy `option httplog` file for benchmarks:
 *
 *   Nov 22 04:05:06 lb1 haproxy[1234]: 10.1.2.3:54321 [22/Nov/2026:04:05:06.123] fe_wss~ be_ws/ws2 0/0/1/3/734021 101 4312 - - cD-- 812/402/118/31/0 0/0 {websocket|Upgrade} "GET /socket/v2?room=4411 HTTP/1.1"
 *
 * Format: %ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r
 * with request captures only (`capture request header Upgrade` and `Connection`), so one `{…}` block.
 *
 * The mix: WebSocket upgrades (101, long Ta, ----/cD--/sD--/CD--/SD--), plain HTTP 200/304/404, 502 SH--/PH--,
 * 503 SC-- with <NOSRV>, 504 sH--, many client IPs (a few IPv6), accept dates that only go forward.
 * A seeded PRNG makes the output byte-identical for the same (lines, seed). Streams to disk in constant
 * memory: lines are built in ~1 MiB chunks and written with backpressure.
 *
 * With `days`, the accept dates step 0 to 2 × (days ÷ lines) apart instead of 0–3 ms, so the lines spread evenly
 * over that many days (an archive: `npm run bench:analyze` prunes a window of one hour out of 30 days).
 *
 * CLI: node --import tsx bench/generate-log.ts [--lines N] [--seed S] [--days D] [--out FILE]
 * (without --out and --seed: bench/data/haproxy-N.log, or haproxy-N-Dd.log with --days, the file the benchmarks
 * use, reused when present)
 */
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export const DEFAULT_LINES = 2_000_000;
export const DEFAULT_SEED = 20261122;
/** Bump when the output of a given (lines, seed) changes, so cached files are regenerated. */
export const GENERATOR_VERSION = 1;

export interface GenerateOptions {
  readonly lines: number;
  readonly seed?: number;
  /** Spread the accept dates evenly over this many days (default: 0–3 ms apart, ~25 minutes for 1 M lines). */
  readonly days?: number;
  /** Called every ~1 MiB chunk with the number of lines written so far. */
  readonly onProgress?: (lines: number) => void;
}

export interface GenerateSummary {
  readonly version: number;
  readonly lines: number;
  readonly seed: number;
  /** GenerateOptions.days; absent (older summaries) or null when the lines are 0–3 ms apart. */
  readonly days?: number | null;
  readonly bytes: number;
  /** Lines per HTTP status code (as written, e.g. "101", "-1"). */
  readonly statuses: Record<string, number>;
  /** Lines per termination state (tsc). */
  readonly terminations: Record<string, number>;
  /** Lines whose client address is IPv6. */
  readonly ipv6: number;
  readonly firstAccept: string;
  readonly lastAccept: string;
}

/** mulberry32: tiny, fast, good enough for test data, and stable across Node versions. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number): string => (n < 10 ? '0' : '') + n;
const pad3 = (n: number): string => (n < 10 ? '00' : n < 100 ? '0' : '') + n;

/** Weighted choice over [weight, value] pairs, precomputed into a cumulative table. */
function weighted<T>(rand: () => number, table: readonly (readonly [number, T])[]): () => T {
  const total = table.reduce((s, [w]) => s + w, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const [w] of table) cumulative.push((acc += w / total));
  const values = table.map(([, v]) => v);
  return () => {
    const r = rand();
    for (let i = 0; i < cumulative.length; i++) if (r < cumulative[i]!) return values[i]!;
    return values[values.length - 1]!;
  };
}

type Kind = 'ws' | 'ok' | 'notModified' | 'notFound' | 'badGateway' | 'noServer' | 'gatewayTimeout' | 'wsRefused';

interface Service {
  readonly frontend: string;
  readonly backend: string;
  readonly servers: readonly string[];
  readonly paths: readonly string[];
}

const WS: Service = { frontend: 'fe_wss~', backend: 'be_ws', servers: ['ws1', 'ws2', 'ws3', 'ws4'], paths: ['/socket/v2', '/live/feed', '/ws/notifications'] };
const API: Service = { frontend: 'fe_https~', backend: 'be_api', servers: ['api1', 'api2', 'api3'], paths: ['/api/v1/orders', '/api/v1/users/me', '/api/v1/cart', '/api/v2/search'] };
const STATIC: Service = { frontend: 'fe_https~', backend: 'be_static', servers: ['static1', 'static2'], paths: ['/assets/app.js', '/assets/app.css', '/img/logo.png', '/index.html'] };
const AUTH: Service = { frontend: 'fe_http', backend: 'be_auth', servers: ['auth1'], paths: ['/login', '/oauth/token', '/logout'] };

/**
 * Generates `lines` lines to `path`. Resolves with what was written (counts per status and termination state,
 * so a loader's result can be checked against it).
 */
export async function generateLog(path: string, options: GenerateOptions): Promise<GenerateSummary> {
  const lines = options.lines;
  const seed = options.seed ?? DEFAULT_SEED;
  const rand = prng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));

  // Many clients, a few busy ones: 60k IPv4 addresses with a skew, 0.5% IPv6.
  const ipv4Pool: string[] = [];
  for (let i = 0; i < 60_000; i++) ipv4Pool.push(`${[10, 172, 192, 100, 81, 203][i % 6]}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`);
  const ipv6Pool: string[] = [];
  for (let i = 0; i < 500; i++) ipv6Pool.push(`2001:db8:${int(0, 0xffff).toString(16)}::${int(1, 0xffff).toString(16)}`);

  const kind = weighted<Kind>(rand, [
    [30, 'ws'], [45, 'ok'], [10, 'notModified'], [6, 'notFound'], [3, 'badGateway'], [2, 'noServer'], [2, 'gatewayTimeout'], [2, 'wsRefused'],
  ]);
  const wsTermination = weighted(rand, [[55, '----'], [15, 'cD--'], [12, 'sD--'], [12, 'CD--'], [6, 'SD--']] as const);
  const badGatewayTermination = weighted(rand, [[80, 'SH--'], [20, 'PH--']] as const);
  const httpService = weighted(rand, [[55, API], [35, STATIC], [10, AUTH]] as const);
  const method = weighted(rand, [[85, 'GET'], [10, 'POST'], [3, 'PUT'], [2, 'DELETE']] as const);

  const statuses: Record<string, number> = {};
  const terminations: Record<string, number> = {};
  let ipv6 = 0;

  // Accept dates move forward 0-3 ms per line from 22/Nov/2026:04:05:06.123 (UTC wall clock), or 0 to twice the
  // mean step that spreads the lines over `days`.
  const days = options.days ?? null;
  const maxStep = days === null ? 3 : Math.max(1, Math.round((2 * days * 86_400_000) / lines));
  let acceptMs = Date.UTC(2026, 10, 22, 4, 5, 6, 123);
  const first = acceptMs;
  let cachedSecond = -1;
  let syslogStamp = '';
  let acceptPrefix = '';
  let actconn = 800;

  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  let bytes = 0;
  let chunk = '';
  const CHUNK_CHARS = 1 << 20;

  for (let n = 0; n < lines; n++) {
    acceptMs += int(0, maxStep);
    const second = Math.floor(acceptMs / 1000);
    if (second !== cachedSecond) {
      cachedSecond = second;
      const d = new Date(second * 1000);
      const hms = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
      const day = d.getUTCDate();
      syslogStamp = `${MONTHS[d.getUTCMonth()]} ${day < 10 ? ' ' : ''}${day} ${hms}`;
      acceptPrefix = `${pad2(day)}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${hms}.`;
    }
    const k = kind();
    const v6 = rand() < 0.005;
    // Skew: half the traffic comes from the first 2% of addresses.
    const ip = v6 ? ipv6Pool[int(0, ipv6Pool.length - 1)]! : ipv4Pool[rand() < 0.5 ? int(0, 1199) : int(0, ipv4Pool.length - 1)]!;
    if (v6) ipv6++;
    const port = int(1024, 65535);
    actconn = Math.min(5000, Math.max(50, actconn + int(-3, 3)));

    const error = k === 'badGateway' || k === 'noServer' || k === 'gatewayTimeout';
    // Upgrades go to the WebSocket backend; so do 30% of the failures (a WebSocket diagnostic needs those).
    const svc = k === 'ws' || k === 'wsRefused' || (error && rand() < 0.3) ? WS : httpService();
    let server = svc.servers[int(0, svc.servers.length - 1)]!;
    const tr = int(0, 4);
    let tw = 0;
    let tc = int(0, 3);
    let tR = int(1, 120);
    let ta: number;
    let status: number;
    let bytesRead: number;
    let tsc = '----';
    let srvconn = int(1, 200);
    const ws = svc === WS;
    let verb: string = ws ? 'GET' : method();
    let uri = svc.paths[int(0, svc.paths.length - 1)]!;
    if (ws) uri += `?room=${int(1, 9999)}`;
    switch (k) {
      case 'ws':
        status = 101;
        tR = int(1, 15);
        // Long-lived: seconds to hours.
        ta = Math.floor(Math.exp(rand() * Math.log(7_200_000)) + 1000);
        bytesRead = int(200, 5_000_000);
        tsc = wsTermination();
        break;
      case 'wsRefused':
        status = rand() < 0.5 ? 400 : 426;
        ta = tR + int(0, 5);
        bytesRead = int(150, 400);
        break;
      case 'ok':
        status = 200;
        ta = tR + int(0, 50);
        bytesRead = int(300, 120_000);
        if (verb === 'GET' && rand() < 0.3) uri += `?page=${int(1, 50)}&sort=${rand() < 0.5 ? 'asc' : 'desc'}`;
        break;
      case 'notModified':
        status = 304;
        verb = 'GET';
        ta = tR;
        bytesRead = int(150, 300);
        break;
      case 'notFound':
        status = 404;
        ta = tR + int(0, 3);
        bytesRead = int(150, 600);
        uri = `/missing/${int(1, 100000)}.html`;
        break;
      case 'badGateway':
        status = 502;
        tsc = badGatewayTermination();
        tR = -1;
        ta = int(1, 3000);
        bytesRead = 209;
        break;
      case 'noServer':
        status = 503;
        tsc = 'SC--';
        server = '<NOSRV>';
        tw = -1;
        tc = -1;
        tR = -1;
        ta = int(0, 2);
        bytesRead = 217;
        srvconn = 0;
        break;
      case 'gatewayTimeout':
        status = 504;
        tsc = 'sH--';
        tR = -1;
        ta = 30_000 + int(0, 20);
        bytesRead = 198;
        break;
    }
    const captures = ws ? '{websocket|Upgrade}' : '{|keep-alive}';
    const line =
      `${syslogStamp} lb1 haproxy[1234]: ${ip}:${port} [${acceptPrefix}${pad3(acceptMs % 1000)}] ${svc.frontend} ${svc.backend}/${server} ` +
      `${tr}/${tw}/${tc}/${tR}/${ta} ${status} ${bytesRead} - - ${tsc} ${actconn}/${actconn >> 1}/${int(1, 300)}/${srvconn}/0 0/0 ` +
      `${captures} "${verb} ${uri} HTTP/1.1"\n`;
    statuses[status] = (statuses[status] ?? 0) + 1;
    terminations[tsc] = (terminations[tsc] ?? 0) + 1;
    chunk += line;
    if (chunk.length >= CHUNK_CHARS) {
      bytes += chunk.length; // ASCII only: chars = bytes
      if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
      chunk = '';
      options.onProgress?.(n + 1);
    }
  }
  if (chunk) {
    bytes += chunk.length;
    out.write(chunk);
  }
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
  await new Promise<void>((resolve, reject) => out.close((e) => (e ? reject(e) : resolve())));
  return {
    version: GENERATOR_VERSION, lines, seed, days, bytes, statuses, terminations, ipv6,
    firstAccept: new Date(first).toISOString(), lastAccept: new Date(acceptMs).toISOString(),
  };
}

/** The cached log for `lines` (spread over `days` when given), generated when missing or stale. */
export async function ensureLog(dir: string, lines: number, days: number | null = null): Promise<{ path: string; summary: GenerateSummary; reused: boolean }> {
  mkdirSync(dir, { recursive: true });
  const name = `haproxy-${lines}${days === null ? '' : `-${days}d`}`;
  const path = join(dir, `${name}.log`);
  const metaPath = join(dir, `${name}.json`);
  if (existsSync(path) && existsSync(metaPath)) {
    try {
      const summary = JSON.parse(readFileSync(metaPath, 'utf8')) as GenerateSummary;
      if (summary.version === GENERATOR_VERSION && summary.lines === lines && summary.seed === DEFAULT_SEED && (summary.days ?? null) === days &&
        statSync(path).size === summary.bytes) {
        return { path, summary, reused: true };
      }
    } catch {
      // Regenerate below.
    }
  }
  rmSync(metaPath, { force: true });
  process.stderr.write(`generating ${path} (${lines.toLocaleString('en-US')} lines)…\n`);
  const t0 = performance.now();
  let lastReport = 0;
  const summary = await generateLog(path, {
    lines,
    seed: DEFAULT_SEED,
    ...(days === null ? {} : { days }),
    onProgress: (n) => {
      if (process.stderr.isTTY && performance.now() - lastReport > 500) {
        lastReport = performance.now();
        process.stderr.write(`\r  ${Math.round((n / lines) * 100)}%`);
      }
    },
  });
  if (process.stderr.isTTY) process.stderr.write('\r');
  writeFileSync(metaPath, JSON.stringify(summary, null, 2) + '\n');
  process.stderr.write(`  ${(summary.bytes / 1e6).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return { path, summary, reused: false };
}

async function cli(): Promise<void> {
  const { values } = parseArgs({
    options: { lines: { type: 'string' }, seed: { type: 'string' }, days: { type: 'string' }, out: { type: 'string' } },
    allowPositionals: false,
  });
  const lines = Number((values.lines ?? String(DEFAULT_LINES)).replace(/[_,]/g, ''));
  const seed = Number(values.seed ?? DEFAULT_SEED);
  if (!Number.isInteger(lines) || lines < 1) throw new Error('--lines takes a positive whole number');
  if (!Number.isInteger(seed)) throw new Error('--seed takes a whole number');
  const days = values.days === undefined ? null : Number(values.days);
  if (days !== null && !(days > 0)) throw new Error('--days takes a positive number');
  const t0 = performance.now();
  let out: string;
  let summary: GenerateSummary;
  if (values.out === undefined && seed === DEFAULT_SEED) {
    // The benchmark's own cache: bench/data/haproxy-N.log plus its summary, reused by `npm run bench`.
    ({ path: out, summary } = await ensureLog(fileURLToPath(new URL('data', import.meta.url)), lines, days));
  } else {
    out = values.out ?? `haproxy-${lines}${days === null ? '' : `-${days}d`}-seed${seed}.log`;
    summary = await generateLog(out, { lines, seed, ...(days === null ? {} : { days }) });
  }
  const s = (performance.now() - t0) / 1000;
  process.stderr.write(`${out}: ${summary.lines} lines, ${(summary.bytes / 1e6).toFixed(1)} MB (${Math.round(summary.bytes / summary.lines)} B/line) in ${s.toFixed(1)} s\n`);
  process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  cli().catch((error: unknown) => {
    process.stderr.write(`generate-log: ${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
