/**
 * Runs a REAL HAProxy (/usr/sbin/haproxy) on 127.0.0.1 in the foreground
 * (`haproxy -db -f cfg`), with its logs sent to stdout, and collects every line
 * it writes. Used by make-samples.ts and meant to be reused by e2e tests:
 *
 *   const res = await runScenario(myScenario);
 *   res.lines   // exactly what HAProxy wrote on stdout (the log target)
 *   res.truth   // one record per client connection, keyed by clientPort
 *   res.matches // log line(s) found for each client port + termination/status checks
 *
 * Everything is bounded: HAProxy gets `hard-stop-after`, a lab-level kill
 * timer, clients have caps, backends have a max lifetime.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { startBackend, freePort, type Backend, type BackendOptions } from './ws-backend.js';
import { startBackendProcess } from './backend-process.js';
import { runClient, type ClientOptions, type Truth } from './ws-client.js';
import { runH2Client, type H2ClientOptions } from './h2-client.js';

export const HAPROXY_BIN = process.env.HAPROXY_BIN ?? '/usr/sbin/haproxy';

export interface TimedLine {
  t: number; // ms since lab start
  line: string;
}

// ---------------------------------------------------------------- haproxy process

export function haproxyAvailable(): boolean {
  const r = spawnSync(HAPROXY_BIN, ['-v'], { encoding: 'utf8', timeout: 5000 });
  return r.status === 0;
}

export function haproxyVersion(): string {
  const r = spawnSync(HAPROXY_BIN, ['-v'], { encoding: 'utf8', timeout: 5000 });
  return (r.stdout ?? '').split('\n')[0] ?? '';
}

/** `haproxy -c -f cfg`; throws with HAProxy's own output on failure. Returns the warnings/notices. */
export function checkConfig(cfgPath: string): string {
  const r = spawnSync(HAPROXY_BIN, ['-c', '-f', cfgPath], { encoding: 'utf8', timeout: 10_000 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) throw new Error(`haproxy -c -f ${cfgPath} failed (${r.status}):\n${out}`);
  return out;
}

/** Async `haproxy -c -f cfg` (does not block the event loop, so backends in this process keep answering). */
export function checkConfigAsync(cfgPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(HAPROXY_BIN, ['-c', '-f', cfgPath], { encoding: 'utf8', timeout: 10_000 }, (err, stdout, stderr) => {
      const out = `${stdout ?? ''}${stderr ?? ''}`;
      if (err) reject(new Error(`haproxy -c -f ${cfgPath} failed (${err.code ?? err.message}):\n${out}`));
      else resolve(out);
    });
  });
}

export interface HaproxyHandle {
  proc: ChildProcess;
  dir: string;
  cfgPath: string;
  stdout: TimedLine[];
  stderr: TimedLine[];
  /** Resolves when HAProxy has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stop HAProxy: 'soft' = SIGUSR1 (soft stop), 'term' = SIGTERM (hard stop). Escalates to SIGKILL. */
  stop(mode?: 'soft' | 'term', graceMs?: number): Promise<void>;
  /** Wait until a stdout line matches (bounded). */
  waitForLine(re: RegExp, timeoutMs: number): Promise<TimedLine | null>;
  /** Send a signal (SIGTTOU = pause proxies, SIGTTIN = resume, SIGUSR1 = soft stop...). */
  signal(sig: NodeJS.Signals): void;
  readonly running: boolean;
}

function lineCollector(stream: NodeJS.ReadableStream, into: TimedLine[], t0: number, onLine: () => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    let i: number;
    while ((i = pending.indexOf('\n')) >= 0) {
      into.push({ t: Date.now() - t0, line: pending.slice(0, i) });
      pending = pending.slice(i + 1);
    }
    onLine();
  });
  stream.on('end', () => {
    if (pending) into.push({ t: Date.now() - t0, line: pending });
    pending = '';
    onLine();
  });
}

export async function startHaproxy(opts: {
  cfgText: string;
  dir: string;
  t0?: number;
  /** Hard cap on HAProxy's life (SIGKILL), default 60 s. */
  maxLifetimeMs?: number;
  /** Ports to wait for (TCP connect succeeds) before returning. */
  waitPorts?: number[];
  /** Extra environment for HAProxy (e.g. TZ). */
  env?: Record<string, string>;
}): Promise<HaproxyHandle> {
  const t0 = opts.t0 ?? Date.now();
  const cfgPath = path.join(opts.dir, 'haproxy.cfg');
  fs.writeFileSync(cfgPath, opts.cfgText);
  await checkConfigAsync(cfgPath);
  const proc = spawn(HAPROXY_BIN, ['-db', '-f', cfgPath], {
    cwd: opts.dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: false,
    env: { ...process.env, ...(opts.env ?? {}) },
  });
  const stdout: TimedLine[] = [];
  const stderr: TimedLine[] = [];
  const waiters = new Set<() => void>();
  const notify = (): void => {
    for (const w of waiters) w();
  };
  lineCollector(proc.stdout!, stdout, t0, notify);
  lineCollector(proc.stderr!, stderr, t0, notify);
  let exitedFlag = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('exit', () => {
      exitedFlag = true;
      notify();
    });
    // 'close' comes after 'exit' once stdout and stderr are drained: resolving on 'exit' (plus a fixed pause)
    // lost the last log line when a loaded CI machine read the pipe late.
    proc.on('close', (code, signal) => {
      exitedFlag = true;
      notify();
      resolve({ code, signal });
    });
  });
  const killTimer = setTimeout(() => {
    if (!exitedFlag) proc.kill('SIGKILL');
  }, opts.maxLifetimeMs ?? 60_000);
  killTimer.unref();
  void exited.then(() => clearTimeout(killTimer));

  const waitForLine = async (re: RegExp, timeoutMs: number): Promise<TimedLine | null> => {
    const deadline = Date.now() + timeoutMs;
    for (let guard = 0; guard < 100_000; guard++) {
      const hit = stdout.find((l) => re.test(l.line));
      if (hit) return hit;
      if (exitedFlag || Date.now() >= deadline) return null;
      await new Promise<void>((r) => {
        const t = setTimeout(done, Math.max(1, deadline - Date.now()));
        function done(): void {
          clearTimeout(t);
          waiters.delete(done);
          r();
        }
        waiters.add(done);
      });
    }
    return null;
  };

  const stop = async (mode: 'soft' | 'term' = 'soft', graceMs = 5000): Promise<void> => {
    if (exitedFlag) return void (await exited);
    proc.kill(mode === 'soft' ? 'SIGUSR1' : 'SIGTERM');
    const t = setTimeout(() => {
      if (!exitedFlag) proc.kill('SIGKILL');
    }, graceMs);
    await exited;
    clearTimeout(t);
  };

  // wait until it listens (bounded)
  for (const p of opts.waitPorts ?? []) {
    const ok = await waitListening(p, 5000, () => exitedFlag);
    if (!ok) {
      await stop('term', 1000);
      throw new Error(
        `haproxy did not listen on ${p}\nstderr:\n${stderr.map((l) => l.line).join('\n')}\nstdout:\n${stdout
          .map((l) => l.line)
          .join('\n')}`,
      );
    }
  }
  return {
    proc,
    dir: opts.dir,
    cfgPath,
    stdout,
    stderr,
    exited,
    stop,
    waitForLine,
    signal: (sig) => {
      if (!exitedFlag) proc.kill(sig);
    },
    get running() {
      return !exitedFlag;
    },
  };
}

/**
 * Wait until something LISTENs on 127.0.0.1:port, by reading /proc/net/tcp
 * (no probe connection: a probe would itself be logged by HAProxy as a
 * `CR--` 400 <BADREQ> line unless `option dontlognull` is set).
 * Falls back to a connect probe where /proc is not available.
 */
async function waitListening(port: number, timeoutMs: number, dead: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const hasProc = fs.existsSync('/proc/net/tcp');
  // "  sl  local_address rem_address   st ..."; st 0A = LISTEN; 0100007F = 127.0.0.1, …01000000 = ::1
  const listening = (file: string, address: string): boolean =>
    fs.existsSync(file) &&
    fs.readFileSync(file, 'utf8').split('\n').some((r) => {
      const f = r.trim().split(/\s+/);
      return f[1] === `${address}${hex}` && f[3] === '0A';
    });
  for (let i = 0; i < 500 && Date.now() < deadline && !dead(); i++) {
    if (hasProc) {
      if (listening('/proc/net/tcp', '0100007F') || listening('/proc/net/tcp6', '00000000000000000000000001000000')) return true;
    } else {
      const ok = await new Promise<boolean>((resolve) => {
        const s = net.connect({ host: '127.0.0.1', port });
        s.once('connect', () => {
          s.destroy();
          resolve(true);
        });
        s.once('error', () => resolve(false));
      });
      if (ok) return true;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

/** Send one command to HAProxy's stats socket (`stats socket PATH level admin`), return the answer. */
export function haproxyCli(socketPath: string, command: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ path: socketPath });
    let out = '';
    const t = setTimeout(() => {
      s.destroy();
      reject(new Error(`cli timeout: ${command}`));
    }, timeoutMs);
    s.setEncoding('utf8');
    s.on('connect', () => s.write(`${command}\n`));
    s.on('data', (d: string) => (out += d));
    s.on('error', (e) => {
      clearTimeout(t);
      reject(e);
    });
    s.on('close', () => {
      clearTimeout(t);
      resolve(out);
    });
  });
}

// ---------------------------------------------------------------- certificates

/** Self-signed cert+key PEM for CN=localhost in dir; returns the combined PEM path. */
export function makeSelfSignedCert(dir: string): Promise<string> {
  const key = path.join(dir, 'key.pem');
  const crt = path.join(dir, 'crt.pem');
  return new Promise((resolve, reject) => {
    execFile(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '2', '-keyout', key, '-out', crt],
      { encoding: 'utf8', timeout: 30_000 },
      (err, _stdout, stderr) => {
        if (err) return reject(new Error(`openssl failed: ${stderr}`));
        const pem = path.join(dir, 'site.pem');
        fs.writeFileSync(pem, fs.readFileSync(crt, 'utf8') + fs.readFileSync(key, 'utf8'));
        resolve(pem);
      },
    );
  });
}

// ---------------------------------------------------------------- scenarios

export interface ServerSpec extends Omit<BackendOptions, 'behaviour'> {
  /** Backend behaviour (see ws-backend.ts), or 'dead' = reserved port with nothing listening. */
  behaviour: BackendOptions['behaviour'] | 'dead';
  /** Run it in a process of its own, so that killServer(name, 'sigkill') kills it as a crash would. */
  process?: boolean;
}

export interface CfgContext {
  /** Frontend (bind) ports by name. */
  fe: Record<string, number>;
  /** Server ports by name. */
  srv: Record<string, number>;
  dir: string;
  /** Combined cert+key PEM path if the scenario asked for TLS. */
  certPath?: string;
}

export interface LabContext {
  t0: number;
  fe: Record<string, number>;
  srv: Record<string, number>;
  servers: Record<string, Backend>;
  haproxy: HaproxyHandle;
  /** Run a client against a frontend port (default: first frontend) and record its truth. */
  client(opts: Omit<ClientOptions, 'port' | 't0'> & { fe?: string }): Promise<Truth>;
  /** A WebSocket over HTTP/2 (RFC 8441) against a TLS frontend with `alpn h2`, recorded the same way. */
  h2Client(opts: Omit<H2ClientOptions, 'port' | 't0'> & { fe?: string }): Promise<Truth>;
  /** Kill (RST), close (FIN) or SIGKILL (a server with `process: true`) a backend server mid-run. */
  killServer(name: string, how?: 'rst' | 'fin' | 'sigkill'): Promise<void>;
  /** Start a killed server again on the same port with the same spec. */
  restartServer(name: string): Promise<void>;
  /** Stats socket command (needs `stats socket {dir}/admin.sock level admin` in the cfg). */
  cli(command: string): Promise<string>;
  dir: string;
  sleep(ms: number): Promise<void>;
  /**
   * Resolves once `predicate` holds (polled every 10 ms), e.g. a backend has answered the upgrades of the tunnels
   * a step is about to break. Bounded only by the scenario's cap: no deadline of its own that a busy machine misses.
   */
  until(predicate: () => boolean): Promise<void>;
  /** Free-form note recorded in the result (e.g. "killed s1 at 3200 ms"). */
  note(text: string): void;
}

export interface ScenarioConfig {
  name: string;
  /** Names of frontend ports to allocate. */
  frontends: string[];
  servers: Record<string, ServerSpec>;
  tls?: boolean;
  cfg(ctx: CfgContext): string;
  drive(lab: LabContext): Promise<void>;
  /** How HAProxy is stopped at the end. Default 'soft' (SIGUSR1). */
  stop?: 'soft' | 'term';
  /** Wait this long after drive() before stopping (lets last log lines out). Default 300 ms. */
  settleMs?: number;
  /** Whole-scenario cap in ms (default 30 s). */
  maxMs?: number;
  /** Keep the temp dir (default false). */
  keepDir?: boolean;
  /** Extra environment for the HAProxy process (e.g. { TZ: 'Asia/Kolkata' }). */
  env?: Record<string, string>;
  /** Lines that must appear in the output (checked by make-samples / tests, not by runScenario). */
  expectLines?: RegExp[];
  /** Free-form description of the scenario. */
  description?: string;
}

export interface ScenarioResult {
  name: string;
  cfg: string;
  /** HAProxy stdout lines (the log target), in order. */
  lines: string[];
  timedLines: TimedLine[];
  /** HAProxy stderr (startup/shutdown notices and alerts printed in -db mode). */
  stderr: string[];
  truth: Truth[];
  notes: TimedLine[];
  backendEvents: Record<string, Backend['events']>;
  exit: { code: number | null; signal: NodeJS.Signals | null };
  durationMs: number;
  dir: string;
}

export async function runScenario(sc: ScenarioConfig): Promise<ScenarioResult> {
  const t0 = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `wsdiag-lab-${sc.name}-`));
  /** Set once the run is over, so that a pending lab.until stops polling. */
  let ended = false;
  const servers: Record<string, Backend> = {};
  const srv: Record<string, number> = {};
  const fe: Record<string, number> = {};
  const truth: Truth[] = [];
  const notes: TimedLine[] = [];
  let haproxy: HaproxyHandle | undefined;
  const maxMs = sc.maxMs ?? 30_000;
  try {
    for (const [name, spec] of Object.entries(sc.servers)) {
      if (spec.behaviour === 'dead') {
        srv[name] = await freePort();
      } else {
        const start = spec.process ? startBackendProcess : startBackend;
        const b = await start({ ...spec, behaviour: spec.behaviour, name, maxLifetimeMs: maxMs + 5000 });
        servers[name] = b;
        srv[name] = b.port;
      }
    }
    for (const name of sc.frontends) fe[name] = await freePort();
    const certPath = sc.tls ? await makeSelfSignedCert(dir) : undefined;
    const cfgText = sc.cfg({ fe, srv, dir, ...(certPath ? { certPath } : {}) });
    haproxy = await startHaproxy({
      cfgText,
      dir,
      t0,
      maxLifetimeMs: maxMs + 10_000,
      waitPorts: Object.values(fe),
      ...(sc.env ? { env: sc.env } : {}),
    });
    const h = haproxy;
    const firstFe = sc.frontends[0]!;
    const lab: LabContext = {
      t0,
      fe,
      srv,
      servers,
      haproxy: h,
      client: async (o) => {
        const port = fe[o.fe ?? firstFe];
        if (port === undefined) throw new Error(`no frontend ${o.fe}`);
        const { fe: _fe, ...rest } = o;
        const tr = await runClient({ ...rest, port, t0 });
        truth.push(tr);
        return tr;
      },
      h2Client: async (o) => {
        const port = fe[o.fe ?? firstFe];
        if (port === undefined) throw new Error(`no frontend ${o.fe}`);
        const { fe: _fe, ...rest } = o;
        const tr = await runH2Client({ ...rest, port, t0 });
        truth.push(tr);
        return tr;
      },
      killServer: async (name, how = 'rst') => {
        const b = servers[name];
        if (!b) throw new Error(`no server ${name}`);
        if (how === 'sigkill' && !sc.servers[name]?.process) throw new Error(`server ${name} does not run in a process of its own`);
        notes.push({ t: Date.now() - t0, line: `${{ rst: 'killed (RST)', fin: 'closed (FIN)', sigkill: 'killed (SIGKILL)' }[how]} server ${name}` });
        await (how === 'fin' ? b.close() : b.kill());
      },
      restartServer: async (name) => {
        const spec = sc.servers[name];
        const old = servers[name];
        if (!spec || spec.behaviour === 'dead' || !old) throw new Error(`cannot restart ${name}`);
        if (old.alive) await old.kill();
        notes.push({ t: Date.now() - t0, line: `restarted server ${name} on port ${old.port}` });
        servers[name] = await startBackend({
          ...spec,
          behaviour: spec.behaviour,
          name,
          port: old.port,
          maxLifetimeMs: maxMs + 5000,
        });
      },
      cli: (command) => {
        notes.push({ t: Date.now() - t0, line: `cli: ${command}` });
        return haproxyCli(path.join(dir, 'admin.sock'), command);
      },
      dir,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      until: async (predicate) => {
        while (!predicate()) {
          if (ended) throw new Error(`scenario ${sc.name} ended while waiting`);
          await new Promise((r) => setTimeout(r, 10));
        }
      },
      note: (text) => {
        notes.push({ t: Date.now() - t0, line: text });
      },
    };
    let capTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      sc.drive(lab),
      new Promise<void>((_, rej) => {
        capTimer = setTimeout(() => rej(new Error(`scenario ${sc.name} exceeded ${maxMs} ms`)), maxMs);
      }),
    ]).finally(() => clearTimeout(capTimer));
    await lab.sleep(sc.settleMs ?? 300);
    notes.push({ t: Date.now() - t0, line: `stopping haproxy (${sc.stop ?? 'soft'})` });
    await h.stop(sc.stop ?? 'soft');
    const exit = await h.exited;
    truth.sort((a, b) => a.startMs - b.startMs || a.clientPort - b.clientPort);
    return {
      name: sc.name,
      cfg: cfgText,
      lines: h.stdout.map((l) => l.line),
      timedLines: h.stdout,
      stderr: h.stderr.map((l) => l.line),
      truth,
      notes,
      backendEvents: Object.fromEntries(Object.entries(servers).map(([k, b]) => [k, b.events])),
      exit,
      durationMs: Date.now() - t0,
      dir,
    };
  } finally {
    ended = true;
    if (haproxy) await haproxy.stop('term', 2000).catch(() => undefined);
    for (const b of Object.values(servers)) await b.kill().catch(() => undefined);
    if (!sc.keepDir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- log line lookup

export interface TrafficFields {
  kind: 'traffic' | 'error';
  /** error-log message (kind 'error') */
  message?: string;
  clientPort: number;
  status: number | null;
  termination: string;
  retries: string;
  backend: string;
  server: string;
}

/**
 * Minimal extractor used only by the lab to check its own expectations (not the
 * wsdiag parser). Understands httplog/httpslog/custom-with-httplog-prefix,
 * tcplog and httplog clf lines, with any syslog envelope in front.
 */
export function extractTraffic(line: string): TrafficFields | null {
  let m =
    /(\d+\.\d+\.\d+\.\d+):(\d+) \[[^\]]+\] \S+ ([^\s/]+)\/(\S+) -?\d+\/-?\d+\/-?\d+\/-?\d+\/\+?-?\d+ (-?\d+) \+?\d+ \S+ \S+ (\S{4}) \d+\/\d+\/\d+\/\d+\/(\+?\d+) /.exec(
      line,
    );
  if (m) {
    return {
      kind: 'traffic',
      clientPort: Number(m[2]),
      backend: m[3]!,
      server: m[4]!,
      status: Number(m[5]),
      termination: m[6]!,
      retries: m[7]!,
    };
  }
  m = /(\d+\.\d+\.\d+\.\d+):(\d+) \[[^\]]+\] \S+ ([^\s/]+)\/(\S+) -?\d+\/-?\d+\/\+?-?\d+ \+?\d+ (\S{2}) \d+\/\d+\/\d+\/\d+\/(\+?\d+) /.exec(
    line,
  );
  if (m) {
    return {
      kind: 'traffic',
      clientPort: Number(m[2]),
      backend: m[3]!,
      server: m[4]!,
      status: null,
      termination: m[5]!,
      retries: m[6]!,
    };
  }
  // ws-custom-timers: %ci:%cp [%t] %ft %b/%s %Th/%Ti/%TR/%Tw/%Tc/%Tr/%Ta/%Tt %ST %B %U %ts %ac/%fc/%bc/%sc/%rc ...
  m = /(\d+\.\d+\.\d+\.\d+):(\d+) \[[^\]]+\] \S+ ([^\s/]+)\/(\S+) (?:-?\d+\/){7}\+?-?\d+ (-?\d+) \+?\d+ -?\d+ (\S{2}) \d+\/\d+\/\d+\/\d+\/(\+?\d+) /.exec(
    line,
  );
  if (m) {
    return {
      kind: 'traffic',
      clientPort: Number(m[2]),
      backend: m[3]!,
      server: m[4]!,
      status: Number(m[5]),
      termination: m[6]!,
      retries: m[7]!,
    };
  }
  // ws-custom-quoted: "%ci" %cp [%tr] "%ft" "%b" "%s" %ST %Ta %tsc request... (+Q quotes strings, not %tsc)
  m = /^"(\d+\.\d+\.\d+\.\d+)" (\d+) \[[^\]]+\] "[^"]*" "([^"]*)" "([^"]*)" (-?\d+) \+?-?\d+ (\S{4}) /.exec(line);
  if (m) {
    return {
      kind: 'traffic',
      clientPort: Number(m[2]),
      backend: m[3]!,
      server: m[4]!,
      status: Number(m[5]),
      termination: m[6]!,
      retries: '',
    };
  }
  // option httplog clf:
  // 127.0.0.1 - - [dd/Mon/yyyy:hh:mm:ss +0000] "GET / HTTP/1.1" 101 129 "" "" 45678 123 "fe" "be" "srv" TR Tw Tc Tr Ta tsc ac fc bc sc rc sq bq ...
  m =
    /"?\d+\.\d+\.\d+\.\d+"? - - \[[^\]]+\] "(?:[^"\\]|\\.)*" (-?\d+) \d+ "[^"]*" "[^"]*" (\d+) \d+ "[^"]*" "([^"]*)" "([^"]*)" -?\d+ -?\d+ -?\d+ -?\d+ -?\d+ (\S{4}) \d+ \d+ \d+ \d+ (\+?\d+) /.exec(
      line,
    );
  if (m) {
    return {
      kind: 'traffic',
      clientPort: Number(m[2]),
      backend: m[3]!,
      server: m[4]!,
      status: Number(m[1]),
      termination: m[5]!,
      retries: m[6]!,
    };
  }
  // error log (SSL handshake / PROXY protocol failures):
  // 127.0.0.1:41448 [22/Nov/2026:04:23:49.483] fe_mix/1: SSL handshake failure
  m = /(\d+\.\d+\.\d+\.\d+):(\d+) \[[^\]]+\] ([^\s/]+)\/(\S+): (.+)$/.exec(line);
  if (m) {
    return {
      kind: 'error',
      message: m[5]!,
      clientPort: Number(m[2]),
      backend: m[3]!,
      server: m[4]!,
      status: null,
      termination: '',
      retries: '',
    };
  }
  return null;
}

export interface TruthCheck {
  truth: Truth;
  lineNo: number | null; // 1-based line number in `lines`
  found: TrafficFields | null;
  ok: boolean;
  problem?: string;
}

/** Match every truth record with the log line carrying its client port and compare. */
export function checkTruth(lines: string[], truth: Truth[]): TruthCheck[] {
  const byPort = new Map<number, { no: number; f: TrafficFields }[]>();
  lines.forEach((l, i) => {
    const f = extractTraffic(l);
    if (!f) return;
    const arr = byPort.get(f.clientPort) ?? [];
    arr.push({ no: i + 1, f });
    byPort.set(f.clientPort, arr);
  });
  return truth.map((t) => {
    const onPort = byPort.get(t.clientPort) ?? [];
    // Concurrent clients of different frontends may share an ephemeral port: the backend tells them apart.
    const hits = onPort.length > 1 ? onPort.filter((h) => h.f.backend === t.backend) : onPort;
    if (hits.length === 0) {
      const ok = t.expected.termination === 'none';
      return { truth: t, lineNo: null, found: null, ok, ...(ok ? {} : { problem: 'no log line for this port' }) };
    }
    const { no, f } = hits[hits.length - 1]!;
    const problems: string[] = [];
    if (hits.length > 1) problems.push(`${hits.length} lines for this port`);
    if (t.expected.errorLog !== undefined && f.message !== t.expected.errorLog)
      problems.push(`error-log message ${JSON.stringify(f.message)} != expected ${JSON.stringify(t.expected.errorLog)}`);
    if (f.termination !== t.expected.termination)
      problems.push(`termination ${f.termination} != expected ${t.expected.termination}`);
    if ((f.status ?? null) !== (t.expected.status ?? null) && !(f.status === -1 && t.expected.status === null))
      problems.push(`status ${f.status} != expected ${t.expected.status}`);
    return {
      truth: t,
      lineNo: no,
      found: f,
      ok: problems.length === 0,
      ...(problems.length ? { problem: problems.join('; ') } : {}),
    };
  });
}
