import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasProgram, skipWithout } from '../helpers/tools.js';
import { lintConfig } from '../../src/config/lint-config.js';
import { readConfig } from '../../src/config/read-config.js';

const dir = mkdtempSync(join(tmpdir(), 'wsdiag-lint-'));
let cert = '';

beforeAll(() => {
  if (!hasProgram('openssl')) return;
  // A self-signed certificate so that the `ssl crt` bind below is a configuration HAProxy accepts.
  const key = join(dir, 'key.pem');
  const crt = join(dir, 'crt.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '2', '-keyout', key, '-out', crt], { stdio: 'ignore' });
  cert = join(dir, 'both.pem');
  writeFileSync(cert, execFileSync('cat', [crt, key]));
});

const BAD = (certPath: string) => `
global
    log stdout format raw local0

defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s

frontend fe
    bind 127.0.0.1:8080
    bind 127.0.0.1:8443 ssl crt ${certPath} alpn h2,http/1.1
    use_backend be_ws if { hdr(Upgrade) -i websocket }
    default_backend be_app

backend be_ws
    option http-server-close
    cookie SRV insert indirect nocache
    option httpchk
    http-check send meth GET uri /ws hdr Upgrade websocket hdr Connection Upgrade
    http-check expect status 200
    server ws1 127.0.0.1:9001 check cookie w1
    server ws2 127.0.0.1:9002 check cookie w2

backend be_app
    timeout tunnel 2d
    server a1 127.0.0.1:9003
`;

const GOOD = `
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s

frontend fe
    bind 127.0.0.1:8080
    use_backend be_ws if { path_beg /ws }

backend be_ws
    timeout tunnel 1h
    option forwardfor
    option redispatch
    cookie SRV insert indirect nocache
    option httpchk GET /health
    server ws1 127.0.0.1:9001 check cookie w1
    server ws2 127.0.0.1:9002 check cookie w2
`;

/** Every configuration the tests use must be one real HAProxy accepts. */
function haproxyAccepts(text: string): void {
  const path = join(dir, `c${Math.random().toString(36).slice(2)}.cfg`);
  writeFileSync(path, text);
  execFileSync('haproxy', ['-c', '-q', '-f', path], { stdio: 'pipe' });
}

describe('lintConfig', () => {
  it.skipIf(skipWithout('haproxy', 'openssl'))('the test configurations are valid for HAProxy', () => {
    haproxyAccepts(BAD(cert));
    haproxyAccepts(GOOD);
  });

  it('finds every WebSocket pitfall, with file:line, why and fix', () => {
    const findings = lintConfig(readConfig(BAD(cert), 'bad.cfg'), ['be_app']);
    const byRule = Object.fromEntries(findings.map((f) => [`${f.rule}@${f.proxy}`, f]));
    expect(Object.keys(byRule).sort()).toEqual([
      'close-option-on-websocket@be_ws',
      'cookie-without-redispatch@be_ws',
      'h2-on-websocket-bind@fe',
      'health-check-on-websocket-endpoint@be_ws',
      'no-forwardfor@be_app',
      'no-forwardfor@be_ws',
      'no-timeout-tunnel@be_ws',
      'timeout-tunnel-too-large@be_app',
    ]);
    expect(byRule['no-timeout-tunnel@be_ws']).toMatchObject({ severity: 'error', where: { file: 'bad.cfg', line: 17 } });
    expect(byRule['no-timeout-tunnel@be_ws']!.why).toMatch(/timeout client 30s \/ timeout server 30s/);
    // RFC 8441 carries WebSockets over h2, and this bind offers HTTP/1.1 to clients without it: only an info.
    expect(byRule['h2-on-websocket-bind@fe']).toMatchObject({ severity: 'info', where: { line: 13 } });
    expect(byRule['h2-on-websocket-bind@fe']!.why).toMatch(/RFC 8441.*fall back to HTTP\/1\.1, which this bind offers/);
    expect(byRule['health-check-on-websocket-endpoint@be_ws']!.message).toMatch(/sends an Upgrade request but expects status 200/);
    expect(findings[0]!.severity).toBe('error');
  });

  it('for analyze: only the backends the logs show upgrading, and the health check of those that asked to', () => {
    const findings = lintConfig(readConfig(BAD(cert), 'bad.cfg'), ['be_app'], { onlyThese: true, requested: ['be_ws'] });
    expect(findings.map((f) => `${f.rule}@${f.proxy}`).sort()).toEqual([
      'cookie-without-redispatch@be_ws',
      'h2-on-websocket-bind@fe',
      'health-check-on-websocket-endpoint@be_ws',
      'no-forwardfor@be_app',
      'timeout-tunnel-too-large@be_app',
    ]);
    // be_ws never completed an upgrade: no `timeout tunnel` is no error of it yet.
    expect(lintConfig(readConfig(BAD(cert), 'bad.cfg'), [], { onlyThese: true }).map((f) => f.rule)).toEqual([]);
  });

  it('says to offer HTTP/1.1 too when a WebSocket bind offers only h2', () => {
    const [f] = lintConfig(readConfig(GOOD.replace('bind 127.0.0.1:8080', 'bind 127.0.0.1:8080 ssl crt /x.pem alpn h2'), 'good.cfg')).filter((x) => x.rule === 'h2-on-websocket-bind');
    expect(f).toMatchObject({ severity: 'info', fix: expect.stringMatching(/alpn h2,http\/1\.1/) });
  });

  it('finds nothing in a sound WebSocket configuration', () => {
    expect(lintConfig(readConfig(GOOD, 'good.cfg'))).toEqual([]);
  });
});
