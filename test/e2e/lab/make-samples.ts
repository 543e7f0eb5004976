/**
 * Regenerates samples/ from real HAProxy runs.
 *
 *   npx tsx test/e2e/lab/make-samples.ts                 # every sample
 *   npx tsx test/e2e/lab/make-samples.ts ws-httplog ...  # only these (README is rebuilt from what is on disk)
 *
 * For each sample NAME it writes samples/NAME.log (HAProxy's stdout, as written),
 * samples/NAME.cfg (the exact haproxy.cfg), samples/NAME.truth.json (one record
 * per client connection) and rebuilds samples/README.md.
 *
 * A sample is only accepted when every client's log line carries the expected
 * status and termination state; otherwise the run is repeated (up to 3 times)
 * and the script exits 1 if it still disagrees.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkTruth, extractTraffic, haproxyAvailable, haproxyVersion, runScenario, type ScenarioResult } from './haproxy-lab.js';
import { ALL_SCENARIOS } from './scenarios.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const SAMPLES_DIR = path.resolve(HERE, '../../../samples');

/** Samples produced by default, in README order. */
export const SAMPLE_NAMES = [
  'ws-httplog',
  'ws-tcplog',
  'ws-clf',
  'ws-custom',
  'ws-custom-timers',
  'ws-custom-quoted',
  'ws-httpslog',
  'envelope-rfc5424',
  'envelope-rfc3164',
  'envelope-iso',
  'envelope-timed',
  'envelope-short',
  'events',
  'ws-logasap',
  'ws-longurl',
] as const;

interface Description {
  title: string;
  /** Markdown. {{L:scenario}} -> line numbers of that scenario's log lines; {{E:regex}} -> lines matching regex. */
  body: string;
}

const DESCRIPTIONS: Record<string, Description> = {
  'ws-httplog': {
    title: 'option httplog + two request captures, many WebSocket failure modes',
    body: `One \`fe_ws\` frontend (\`option httplog\`, \`capture request header Upgrade len 32\`, \`capture request header Connection len 32\`, so every parsed request carries \`{Upgrade|Connection}\`) routing by path prefix to one backend per failure mode. \`timeout client 1500ms\`, \`timeout server 5s\`, \`timeout http-request 1s\`, \`retries 2\`; \`timeout tunnel\` is set per backend (2 s on be_ws). All clients run concurrently, so lines are in completion order, not start order.

- Idle tunnels cut by \`timeout tunnel 2s\` (idle client and idle-after-one-echo alike): {{L:ws.idle.tunnel-timeout}}, logged \`101 … cD--\`, Ta ≈ 2005.
- Idle tunnel on be_notunnel (no \`timeout tunnel\`) cut by \`timeout client 1500ms\`: {{L:ws.idle.client-timeout}}, also \`cD--\`; only Ta (≈1506 vs ≈2005) tells the two apart.
- Server closes the tunnel after 1000 ms (be_close): {{L:ws.server-close}}, logged \`----\` (a clean close, indistinguishable from a normal end).
- Clean echo sessions closed by a close frame: {{L:ws.echo}}; client FIN without close frame: {{L:ws.client-fin}} — both \`----\`.
- Client RST mid-tunnel: {{L:ws.client-abort}} \`CD--\`.
- Client RST *before* the (slow, 800 ms) server sent its 101: {{L:ws.client-gone-before-101}} — still logged \`101 … CD--\` with Tr≈800.
- Garbage instead of an HTTP response: {{L:ws.garbage}} \`502 … PH--\`, Tr = -1.
- Server closes without answering: {{L:ws.hangup}} \`502 … SH--\`.
- Server answers after 3 s, \`timeout server 1s\`: {{L:ws.slow}} \`504 … sH--\`. A client that gave up after 400 ms on the same backend is logged identically ({{L:ws.slow.client-abort}}), even with \`option abortonclose\` ({{L:ws.slow.client-abort.abortonclose}}).
- Server port closed (be_dead): {{L:ws.dead}} \`503 … SC--\`, Tc = -1, Ta ≈ 2002 (two 1 s turn-around retries), retries field \`2\`.
- Server whose accept queue is full (SYNs dropped): {{L:ws.connect-timeout}} \`503 … sC--\`, Ta ≈ 3000 (3 × \`timeout connect 1s\`).
- be_hc: health check asks for an upgrade, server answers 101, check expects 200: {{E:be_hc/hc1 is DOWN}} "Layer7 wrong status, code: 101", then {{E:backend be_hc has}}, then requests {{L:ws.no-server,http.no-server}} \`503 … be_hc/<NOSRV> … SC--\`.
- Rate limit (stick table, \`deny_status 429\` when \`sc_http_req_rate(0) gt 5\`): allowed {{L:ws.rate-limit.allowed}}; denied {{L:ws.rate-limited}} logged \`fe_ws fe_ws/<NOSRV> … 429 … PR--\` (backend = frontend name).
- Upgrade without \`Connection: Upgrade\`: strict server answers 400 ({{L:ws.no-connection-upgrade}}, \`{websocket|}\`, \`400 … ----\`); lenient server answers 101 anyway and HAProxy turns it into \`502 … PH--\` ({{L:ws.no-connection-upgrade.lenient}}).
- Client stalls half-way through its request head: {{L:ws.partial-request}} \`408 … cR-- … "<BADREQ>"\` — note: **no capture block** on \`<BADREQ>\` lines.
- Cookie persistence (\`cookie SRV insert indirect nocache\`, two checked servers): new clients {{L:cookie.new}} \`--NI\`; returning clients {{L:cookie.keep}} \`--VN\`; client that dropped its cookie {{L:cookie.drop}} \`--NI\`; ck1 killed with a tunnel open on it: {{L:cookie.killed-mid-tunnel}} \`SDVN\`; client sent right after the kill with SRV=s1 (ck1 still UP at that moment): {{L:cookie.redispatch}} — connection refused, two 1 s turn-around retries, redispatched to ck2: \`--DI\` with retries \`+2\` and Tw ≈ 2000 (the check marked ck1 DOWN meanwhile, {{E:be_cookie/ck1 is DOWN}}); a client with SRV=s1 after that: {{L:cookie.down}} \`--DI\`, retries 0, Tw 0.
- balance source: tunnels on the killed server {{L:src.killed-mid-tunnel}} \`SD--\`; later clients hash to the dead server, retry and are redispatched: {{L:src.redispatch}} (\`+2\`, Tw ≈ 1000).
- Normal HTTP: {{L:http.ok}}.
- Soft stop (SIGUSR1) at the end: {{E:^Proxy .* stopped}}.`,
  },
  'ws-tcplog': {
    title: 'mode tcp + option tcplog (WebSocket carried as opaque TCP)',
    body: `Seven TCP frontends, one per behaviour (no path routing in TCP mode). Defaults: \`timeout client 1500ms\`, \`timeout server 3s\`, \`retries 1\`. Termination states are 2 characters; there is no status code.

- Echo / plain HTTP / client FIN: {{L:tcp.ws.echo,tcp.http.ok,tcp.ws.client-fin}} \`--\`.
- Idle connection cut by \`timeout client\`: {{L:tcp.ws.idle.client-timeout}} \`cD\` (Tt ≈ 1500).
- Idle connection on ft_srvto (\`timeout client 5s\`, \`timeout server 1s\`): {{L:tcp.ws.idle.server-timeout}} \`sD\`.
- \`timeout tunnel 2s\` with \`timeout client 1s\`: {{L:tcp.ws.idle.tunnel-timeout}} \`cD\` at Tt ≈ 2000, i.e. **timeout tunnel also applies in TCP mode** and wins over timeout client.
- Client RST: {{L:tcp.ws.client-abort}} \`CD\`.
- Server closes after 1 s: {{L:tcp.ws.server-close}} \`--\`. Server that closes right after reading the request (hangup): {{L:tcp.ws.hangup}} also \`--\` with 0 bytes — TCP mode cannot tell a hangup from a clean close.
- Dead server: {{L:tcp.ws.dead}} \`SC\` (Tc = -1, retries 1). No server available: {{E:bk_nosrv/n1 is DOWN}}, {{L:tcp.ws.no-server}} \`bk_nosrv/<NOSRV> -1/-1/0 0 SC\`.`,
  },
  'ws-clf': {
    title: 'option httplog clf',
    body: `Same small traffic mix as the envelopes plus one idle tunnel, logged with \`option httplog clf\` (and the two captures).

- Each line: \`127.0.0.1 - - [22/Nov/2026:04:23:19 +0000] "GET … HTTP/1.1" STATUS BYTES "" "" CLIENT_PORT ACCEPT_MS "fe" "be" "srv" TR Tw Tc Tr Ta TSC ac fc bc sc rc sq bq "CC" "CS" "hdr1" "hdr2" \` — **every line ends with a trailing space**, the date has no milliseconds (they are in the separate %ms field), and captured headers become separate quoted fields.
- Lines: ok {{L:http.ok}}, echo {{L:ws.echo}}, abort {{L:ws.client-abort}}, garbage {{L:ws.garbage}}, dead {{L:ws.dead}}, idle tunnel {{L:ws.idle.tunnel-timeout}}.`,
  },
  'ws-custom': {
    title: 'custom log-format with upgrade variables',
    body: `\`log-format "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %{+Q}r upg=%[var(txn.upg)] conn=%[var(txn.conn)]"\` with \`http-request set-var(txn.upg) req.hdr(Upgrade)\` / \`set-var(txn.conn) req.hdr(Connection)\`.

- Unset variables print \`-\`: plain request {{L:http.ok}} ends \`upg=- conn=-\`; upgrade without Connection header {{L:ws.no-connection-upgrade}} ends \`upg=websocket conn=-\`.
- Other lines: echo {{L:ws.echo}}, abort {{L:ws.client-abort}}, garbage {{L:ws.garbage}}, dead {{L:ws.dead}}, idle tunnel {{L:ws.idle.tunnel-timeout}}.`,
  },
  'ws-custom-timers': {
    title: 'custom log-format with every timer, counters, addresses and a unique ID',
    body: `\`log-format "%ci:%cp [%t] %ft %b/%s %Th/%Ti/%TR/%Tw/%Tc/%Tr/%Ta/%Tt %ST %B %U %ts %ac/%fc/%bc/%sc/%rc %sq/%bq %ID %HM %HU %HV fe=%fi:%fp be=%bi:%bp srv=%si:%sp pid=%pid rt=%rt lc=%lc"\` with \`unique-id-format %{+X}o\\ %ci:%cp_%fi:%fp_%Ts_%rt:%pid\` (accepted as is by HAProxy 2.6). Same mix as ws-custom (without the upgrade-without-Connection case) plus a hangup backend, an \`http-request deny deny_status 429\` and a half-sent request.

- \`%ts\` is the **2-character** state even in HTTP mode (\`cD\`, \`PR\`, no cookie flags). The unique ID is all hex (\`7F000001:BA10_7F000001:9639_6B027659_0000:66DF\`): client ip:port, frontend ip:port, accept epoch, request counter, pid.
- \`%U\` (bytes uploaded) counts the request head (and the client's frames); \`%lc\` is the frontend's log counter, \`%rt\` the request counter (both start at 0).
- No server connection ({{L:ws.denied,ws.partial-request}}): \`be=-:- srv=-:-\` (for %bi/%bp/%si/%sp a lone \`-\`).
- Half-sent request cut by \`timeout http-request\` ({{L:ws.partial-request}}): \`Th/Ti/-1/-1/-1/-1/≈1000/≈1000 408 0 0 cR\`, **\`%ID\` is \`-\`** and \`%HM %HU %HV\` each print \`<BADREQ>\`.
- Other lines: ok {{L:http.ok}}, echo {{L:ws.echo}}, abort {{L:ws.client-abort}} \`CD\`, garbage {{L:ws.garbage}} \`PH\`, hangup {{L:ws.hangup}} \`SH\`, dead {{L:ws.dead}} \`SC\`, idle tunnel {{L:ws.idle.tunnel-timeout}} \`cD\`. (No upgrade-without-Connection case here: this format does not log the Upgrade header, so that 400 would look like any other.)`,
  },
  'ws-custom-quoted': {
    title: 'custom log-format quoted with %{+Q}o, unquoted request, capture and sample fetches',
    body: `\`log-format "%{+Q}o %ci %cp [%tr] %ft %b %s %ST %Ta %tsc %{-Q}r upg=%[capture.req.hdr(0)] err=%[bc_err_str]"\` with \`capture request header Upgrade len 32\` (capture slot 0). Accepted as is by HAProxy 2.6 (\`bc_err_str\` exists).

- \`+Q\` quotes the string fields (\`"127.0.0.1"\`, \`"fe_mix"\`, \`"<NOSRV>"\`) and the sample fetches, but **not numbers and not \`%tsc\`** (\`PR--\` bare).
- \`%{-Q}r\` writes the request line without quotes, spaces included: \`GET /ws/chat HTTP/1.1\`; a \`<BADREQ>\` request is a single token ({{L:ws.partial-request}}).
- An empty capture or a fetch without value prints **\`""\`** (not \`"-"\`): plain requests {{L:http.ok}} have \`upg=""\`; \`bc_err_str\` is \`"Success"\` when a server connection was made, \`""\` when none was (deny {{L:ws.denied}}, 408 {{L:ws.partial-request}}) **and also for a refused server after retries** ({{L:ws.dead}}).
- Other lines: echo {{L:ws.echo}}, abort {{L:ws.client-abort}}, garbage {{L:ws.garbage}}, hangup {{L:ws.hangup}}, idle tunnel {{L:ws.idle.tunnel-timeout}}, upgrade without Connection {{L:ws.no-connection-upgrade}}.`,
  },
  'ws-httpslog': {
    title: 'option httpslog on an ssl bind, plus SSL handshake error-log lines',
    body: `\`bind 127.0.0.1:PORT ssl crt site.pem\` (self-signed, CN=localhost, generated with openssl into a temp dir), \`option httpslog\` + the two captures. Clients use node:tls.

- The frontend name is logged as **\`fe_mix~\`** (the \`~\` marks an SSL connection) in every traffic line, followed after the request by \`0/0000000000000000/0/0/0 localhost/TLSv1.3/TLS_AES_256_GCM_SHA384\`.
- Error-log lines (no traffic line is written for these connections): plain HTTP sent to the ssl port {{L:tls.garbage}} \`fe_mix/1: SSL handshake failure\`; a truncated ClientHello then FIN {{L:tls.closed}} \`Connection closed during SSL handshake\`; a truncated ClientHello then silence {{L:tls.timeout}} \`Timeout during SSL handshake\` (after \`timeout client\`). \`1\` is the bind's id (the bind has no \`name\`). The date is the accept date.
- Traffic: ok {{L:http.ok}}, echo {{L:ws.echo}}, abort (TLS, real RST) {{L:ws.client-abort}} \`CD--\`, garbage {{L:ws.garbage}}, dead {{L:ws.dead}}, idle tunnel {{L:ws.idle.tunnel-timeout}}.`,
  },
  'envelope-rfc5424': {
    title: 'log stdout format rfc5424',
    body: `Same mix (ok, echo, abort, garbage, dead) and the stop lines under \`log stdout format rfc5424 local0\`: \`<134>1 2026-11-22T04:24:26.615436+00:00 - haproxy 7963 - - <message>\`. PRI 134 = local0.info (traffic), 132 = local0.warning ({{E:stopped}}). Hostname is \`-\`, app-name \`haproxy\`, procid = pid, msgid \`-\`, structured data \`-\`. Timestamp has microseconds and a numeric offset.`,
  },
  'envelope-rfc3164': {
    title: 'log stdout format rfc3164',
    body: `\`<134>Nov 22 04:24:48 localhost haproxy[8300]: <message>\`. Without \`log-send-hostname\` the host field is the literal \`localhost\` (with it, the real hostname). Traffic at <134>, stop lines ({{E:stopped}}) at <132>.`,
  },
  'envelope-iso': {
    title: 'log stdout format iso',
    body: `\`2026-11-22T04:25:10.604833+00:00 <message>\` — ISO timestamp (µs, numeric offset) then the message; no PRI, no host, no tag/pid.`,
  },
  'envelope-timed': {
    title: 'log stdout format timed',
    body: `\`<6>2026-11-22T04:25:32.595186+00:00 <message>\` — severity only (no facility: <6> info for traffic, <4> warning for {{E:stopped}}), then the ISO timestamp glued to it, then the message.`,
  },
  'envelope-short': {
    title: 'log stdout format short',
    body: `\`<6><message>\` — severity only, glued to the message; no timestamp at all (only the accept date inside the message). Stop lines ({{E:stopped}}) are \`<4>\`.`,
  },
  events: {
    title: "HAProxy's own event lines (health checks, server state, pause/resume, soft/hard stop)",
    body: `One run with several checked backends (\`inter 200\`, \`timeout check 1s\`, 300ms on be_slowchk), a stats socket for CLI state changes, SIGTTOU/SIGTTIN, then SIGUSR1 with one tunnel still open and \`hard-stop-after 1s\`.

- The classic WebSocket health-check misconfiguration with \`option log-health-checks\`: {{E:be_ws101/}} — the reason is on the "Health check … failed" line and the "is DOWN." line has none; without log-health-checks (be_ws101_quiet): {{E:be_ws101_quiet/}} with the reason inline.
- Other check failure reasons: {{E:be_503chk/}} (wrong status 503), {{E:be_badchk/}} (Layer7 invalid response), {{E:be_tcpchk/}} (Layer4 connection problem / Connection refused), {{E:be_slowchk/}} (Layer7 timeout, check duration ≈ timeout check).
- "no server available": {{E:has no server available}}.
- With log-health-checks, successful checks that complete a rise are logged too, including right after start-up: {{E:be_flap/fl. succeeded.*status: 2/2 UP}}.
- Flapping server (killed, restarted): {{E:^(Health check for server|Server) be_flap/fl1}}; the same server in a backend without log-health-checks: {{E:be_flap_quiet/}}.
- CLI: maintenance {{E:maintenance|READY}}, forced health {{E:changed from CLI}}.
- SIGTTOU / SIGTTIN: {{E:^Paused|^Resumed}} (only frontends; the stderr copy also shows \`Paused frontend GLOBAL.\`, not logged).
- SIGUSR1: {{E:^Proxy .* stopped}}; the open tunnel keeps the process alive until \`hard-stop-after 1s\`: {{E:soft-stop running|hard-stopped}}, then its traffic line {{L:ws.killed-by-hard-stop}} with termination \`K---\`.
- Not seen at all in 2.6: "Proxy X started.", "Pausing proxy", "Stopping proxy".`,
  },
  'ws-logasap': {
    title: 'option logasap',
    body: `Same mix plus an idle tunnel, with \`option logasap\`: every line is written as soon as the response headers are in (the 101 for WebSockets). Ta and bytes carry a \`+\` prefix (\`0/0/0/4/+4 101 +132\`), the termination state is always \`----\`: the abort ({{L:ws.client-abort}}) and the idle tunnel cut by timeout tunnel ({{L:ws.idle.tunnel-timeout}}) are **invisible**. Errors (garbage {{L:ws.garbage}}, dead {{L:ws.dead}}) are still logged at the end with their real state, but with \`+\` too.`,
  },
  'ws-longurl': {
    title: 'long URLs: line length 1024 vs 4096',
    body: `Two frontends with their own log target: \`fe_len1024\` (\`log stdout format raw local0\`, default len 1024) and \`fe_len4096\` (\`log stdout len 4096 format raw local0\`). Same requests on both: a 1400-char query, a 1100-char WebSocket token, a short URL.

- len 1024: {{L:http.long-url@1024,ws.long-url@1024}} — the line is cut at **1023 characters** (1024 with the newline): no closing quote, nothing after. Only the fields before the request survive.
- len 4096: {{L:http.long-url@4096,ws.long-url@4096}} — the line is complete but the request field is capped by \`tune.http.logurilen\` (1024): the request line is truncated inside the quotes (no \` HTTP/1.1\`), closing quote present.
- Short URLs are unaffected: {{L:http.short-url@1024,http.short-url@4096}}.`,
  },
};

export interface SampleRecord {
  clientPort: number;
  scenario: string;
  backend: string;
  /** 1-based line in NAME.log carrying this client port (null if none). */
  line: number | null;
  expected: { status: number | null; termination: string; cause: string; errorLog?: string };
  /** What the client itself saw. */
  client: {
    status: number | null;
    upgraded: boolean;
    echoed: number;
    closedBy: string;
    setCookie?: string;
    startMs: number;
    endMs: number;
  };
  /** What the client sent (newer samples only): method, path, Upgrade / Connection header values (null = not sent). */
  request?: { method: string; path: string; upgrade: string | null; connection: string | null; partial: boolean };
}

async function produce(name: string): Promise<{ res: ScenarioResult; records: SampleRecord[]; problems: string[] }> {
  const make = ALL_SCENARIOS[name];
  if (!make) throw new Error(`unknown sample ${name}`);
  let last: { res: ScenarioResult; records: SampleRecord[]; problems: string[] } | undefined;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const res = await runScenario(make());
    const checks = checkTruth(res.lines, res.truth);
    const problems = checks.filter((c) => !c.ok).map((c) => `${c.truth.scenario} port ${c.truth.clientPort}: ${c.problem}`);
    if (res.exit.code !== 0) problems.push(`haproxy exited with ${res.exit.code ?? res.exit.signal}`);
    for (const re of make().expectLines ?? [])
      if (!res.lines.some((l) => re.test(l))) problems.push(`no line matches ${re}`);
    const records: SampleRecord[] = checks.map((c) => ({
      clientPort: c.truth.clientPort,
      scenario: c.truth.scenario,
      backend: c.truth.backend,
      line: c.lineNo,
      expected: c.truth.expected,
      client: {
        status: c.truth.observed.status,
        upgraded: c.truth.observed.upgraded,
        echoed: c.truth.observed.echoed,
        closedBy: c.truth.observed.closedBy,
        ...(c.truth.observed.setCookie ? { setCookie: c.truth.observed.setCookie } : {}),
        startMs: c.truth.startMs,
        endMs: c.truth.endMs,
      },
      ...(c.truth.request ? { request: c.truth.request } : {}),
    }));
    last = { res, records, problems };
    if (problems.length === 0) break;
    console.error(`  ${name}: attempt ${attempt} disagrees with expectations:\n    ${problems.join('\n    ')}`);
  }
  return last!;
}

// ---------------------------------------------------------------- README

function lineLabel(line: string, byPort: Map<number, SampleRecord>): { what: string; status: string; ts: string; cause: string } {
  const f = extractTraffic(line);
  if (f) {
    const r = byPort.get(f.clientPort);
    if (f.kind === 'error') return { what: `error log: ${f.message}`, status: '', ts: '', cause: r?.expected.cause ?? '' };
    return {
      what: `${r?.scenario ?? '(untracked)'} → ${f.backend}/${f.server}`,
      status: f.status === null ? '' : String(f.status),
      ts: f.termination + (f.retries && f.retries !== '0' ? ` (retries ${f.retries})` : ''),
      cause: r?.expected.cause ?? '',
    };
  }
  const ev: [RegExp, string][] = [
    [/Health check for server \S+ failed/, 'event: health check failed'],
    [/Health check for server \S+ succeeded/, 'event: health check succeeded'],
    [/Server \S+ is DOWN/, 'event: server DOWN'],
    [/Server \S+ is UP/, 'event: server UP'],
    [/Server \S+ is going DOWN for maintenance/, 'event: server maintenance'],
    [/has no server available/, 'event: no server available'],
    [/Proxy \S+ stopped/, 'event: proxy stopped'],
    [/Proxy \S+ hard-stopped/, 'event: proxy hard-stopped'],
    [/soft-stop running for too long/, 'event: hard-stop'],
    [/Paused /, 'event: paused'],
    [/Resumed /, 'event: resumed'],
  ];
  for (const [re, label] of ev) if (re.test(line)) return { what: label, status: '', ts: '', cause: '' };
  return { what: 'other', status: '', ts: '', cause: '' };
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');

function renderBody(body: string, lines: string[], records: SampleRecord[]): string {
  const fmt = (nums: number[]): string => {
    if (nums.length === 0) return '(no line)';
    const sorted = [...new Set(nums)].sort((a, b) => a - b);
    const parts: string[] = [];
    for (let i = 0; i < sorted.length; ) {
      let j = i;
      while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
      parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
      i = j + 1;
    }
    return `${sorted.length === 1 && !parts[0]!.includes('-') ? 'line' : 'lines'} ${parts.join(', ')}`;
  };
  return body
    .replace(/\{\{L:([^}]+)\}\}/g, (_, sc: string) => {
      const wanted = sc.split(',');
      return fmt(records.filter((r) => wanted.includes(r.scenario) && r.line !== null).map((r) => r.line!));
    })
    .replace(/\{\{E:([^}]+)\}\}/g, (_, re: string) => {
      const rx = new RegExp(re);
      return fmt(lines.map((l, i) => (rx.test(l) ? i + 1 : 0)).filter((n) => n > 0));
    });
}

function buildReadme(): string {
  const out: string[] = [];
  out.push('# samples/');
  out.push('');
  out.push(
    `Real HAProxy logs, written by HAProxy ${/version (\S+)/.exec(haproxyVersion())?.[1] ?? '(unknown version)'} on 127.0.0.1 by the lab in \`test/e2e/lab/\`, with the ground truth of every client connection. Regenerate everything with:`,
  );
  out.push('');
  out.push('```sh');
  out.push('npx tsx test/e2e/lab/make-samples.ts            # all samples (~1 min)');
  out.push('npx tsx test/e2e/lab/make-samples.ts ws-httplog # just one');
  out.push('```');
  out.push('');
  out.push(
    'Each sample `NAME` comes with `NAME.cfg` (the exact haproxy.cfg, ports as they were) and `NAME.truth.json`: one record per client connection, `{clientPort, scenario, backend, line, expected: {status, termination, cause[, errorLog]}, client: {...what the client saw}}`. `line` is the 1-based line of NAME.log carrying that client port (%cp); `expected.termination` is the state HAProxy really logged (the generator refuses a run where it differs). Timestamps, ports and line order change from run to run (lines are written when connections end, not when they start).',
  );
  out.push('');
  out.push('Cause mapping used in the truth files:');
  out.push('');
  out.push(
    [
      '| cause | used for |',
      '| --- | --- |',
      '| ok | the connection did what it should (101 + clean close, 200, server closing a tunnel normally) |',
      '| client.abort | client reset/closed (CD, a RST before the 101, SSL handshake errors caused by the client) |',
      '| timeout.tunnel | idle tunnel cut by `timeout tunnel` |',
      '| timeout.client | idle tunnel cut by `timeout client` (cD on a backend without `timeout tunnel`), SSL handshake timeout |',
      '| timeout.server | `timeout server` expired (sD, sH on a plain request) |',
      '| timeout.connect | 503 sC: TCP connect to the server timed out |',
      '| timeout.upgrade | 504 sH on an upgrade request: the server never answered the 101 (HAProxy logs it like any server timeout; the upgrade request is what tells them apart) |',
      '| timeout.http-request | 408 cR: the request head did not arrive within `timeout http-request` |',
      '| server.bad-response | 502 PH (garbage, or a 101 the request did not ask for) |',
      '| server.hangup | 502 SH (server closed without answering); in TCP mode the same event is logged `--` |',
      '| server.refused | 503 SC with a server assigned (connection refused, after retries) |',
      '| server.abort | server reset an established tunnel (SD) |',
      '| no-server | 503 SC with `<NOSRV>` (every server DOWN) |',
      '| proxy.deny | 429 PR (http-request deny) |',
      '| upgrade.rejected | server refused the upgrade with a plain HTTP answer (400 for a missing `Connection: Upgrade`) |',
      '| proxy.killed | HAProxy killed the stream itself (hard-stop-after), `K---` |',
      '| logged-early | (wsdiag only) `option logasap` wrote the line at the 101, so how it ended is not in the log; the truth keeps what happened |',
    ].join('\n'),
  );
  out.push('');
  for (const name of SAMPLE_NAMES) {
    const logPath = path.join(SAMPLES_DIR, `${name}.log`);
    const truthPath = path.join(SAMPLES_DIR, `${name}.truth.json`);
    if (!fs.existsSync(logPath) || !fs.existsSync(truthPath)) continue;
    const text = fs.readFileSync(logPath, 'utf8');
    const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
    const records = JSON.parse(fs.readFileSync(truthPath, 'utf8')) as SampleRecord[];
    const d = DESCRIPTIONS[name] ?? { title: name, body: '' };
    const byPort = new Map(records.map((r) => [r.clientPort, r]));
    out.push(`## ${name}.log — ${d.title}`);
    out.push('');
    out.push(`Command: \`npx tsx test/e2e/lab/make-samples.ts ${name}\` · ${lines.length} lines · ${records.length} client connections · config \`${name}.cfg\` · truth \`${name}.truth.json\``);
    out.push('');
    out.push(renderBody(d.body, lines, records));
    out.push('');
    out.push('<details><summary>Line index</summary>');
    out.push('');
    out.push('| line | what | status | state | cause |');
    out.push('| ---: | --- | --- | --- | --- |');
    lines.forEach((l, i) => {
      const lab = lineLabel(l, byPort);
      out.push(`| ${i + 1} | ${esc(lab.what)} | ${lab.status} | ${lab.ts ? `\`${lab.ts}\`` : ''} | ${lab.cause} |`);
    });
    out.push('');
    out.push('</details>');
    out.push('');
  }
  return out.join('\n');
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  if (!haproxyAvailable()) {
    console.error('haproxy not found (set HAPROXY_BIN)');
    process.exit(2);
  }
  const args = process.argv.slice(2);
  const names = args.length ? args : [...SAMPLE_NAMES];
  fs.mkdirSync(SAMPLES_DIR, { recursive: true });
  const t0 = Date.now();
  let failed = 0;
  for (const name of names) {
    const t = Date.now();
    const { res, records, problems } = await produce(name);
    fs.writeFileSync(path.join(SAMPLES_DIR, `${name}.log`), res.lines.map((l) => `${l}\n`).join(''));
    fs.writeFileSync(path.join(SAMPLES_DIR, `${name}.cfg`), res.cfg);
    fs.writeFileSync(path.join(SAMPLES_DIR, `${name}.truth.json`), `${JSON.stringify(records, null, 2)}\n`);
    const status = problems.length ? `MISMATCH (${problems.length})` : 'ok';
    console.log(`${name.padEnd(18)} ${String(res.lines.length).padStart(4)} lines ${String(records.length).padStart(3)} clients ${((Date.now() - t) / 1000).toFixed(1).padStart(5)} s  ${status}`);
    if (problems.length) {
      failed++;
      for (const p of problems) console.log(`    ${p}`);
    }
  }
  fs.writeFileSync(path.join(SAMPLES_DIR, 'README.md'), buildReadme());
  console.log(`total ${((Date.now() - t0) / 1000).toFixed(1)} s${failed ? `, ${failed} sample(s) disagree with expectations` : ''}`);
  process.exit(failed ? 1 : 0);
}

await main();
