import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { skipWithout } from '../helpers/tools.js';
import { parseTime, readConfig, tokenize, tunnelTimeout } from '../../src/config/read-config.js';

const CFG = `
global
    log stdout format raw local0

defaults base
    mode http
    timeout connect 5s
    timeout client  30s
    timeout server  30s
    option httplog

defaults ws from base
    timeout tunnel 1h

frontend fe_main from base
    bind 127.0.0.1:8080
    bind 127.0.0.1:8443 ssl crt /x.pem alpn h2,http/1.1
    capture request header Upgrade len 32
    http-request set-var(txn.upg) req.hdr(Upgrade)
    log-format "%ci:%cp [%tr] %ft %b/%s %ST upg=%[var(txn.upg)]"
    use_backend be_ws if { path_beg /ws }
    default_backend be_http

backend be_ws from ws
    balance source
    cookie SRV insert indirect nocache
    option redispatch
    option httpchk GET /ws
    http-check send hdr Upgrade websocket hdr Connection Upgrade
    http-check expect status 200
    server ws1 127.0.0.1:9001 check cookie w1 maxconn 100
    server ws2 127.0.0.1:9002 check backup

backend be_http
    timeout server 2500ms
    option http-server-close
    server h1 127.0.0.1:9003
`;

describe('the configurations of these tests', () => {
  it.skipIf(skipWithout('haproxy', 'openssl'))('are accepted by real HAProxy (haproxy -c)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wsdiag-cfg-'));
    const key = join(dir, 'key.pem');
    const crt = join(dir, 'crt.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '2', '-keyout', key, '-out', crt], { stdio: 'ignore' });
    writeFileSync(join(dir, 'x.pem'), execFileSync('cat', [crt, key]));
    const path = join(dir, 'haproxy.cfg');
    writeFileSync(path, CFG.replace('/x.pem', join(dir, 'x.pem')));
    execFileSync('haproxy', ['-c', '-q', '-f', path], { stdio: 'pipe' });
  });
});

describe('readConfig', () => {
  const config = readConfig(CFG, 'haproxy.cfg');
  const proxy = (name: string) => config.proxies.find((p) => p.name === name)!;

  it('reads HAProxy time units (a bare number is ms)', () => {
    expect([parseTime('30s'), parseTime('1h'), parseTime('2500ms'), parseTime('100'), parseTime('1m'), parseTime('5us'), parseTime('x')]).toEqual([30000, 3600000, 2500, 100, 60000, 0.005, null]);
  });
  it('tokenizes quotes, escapes and comments', () => {
    expect(tokenize(`log-format "%ci %b" # comment`)).toEqual(['log-format', '%ci %b']);
    expect(tokenize(`log-format %T\\ %t\\ x`)).toEqual(['log-format', '%T %t x']);
  });
  it('applies named defaults inheritance, own settings winning, with file:line', () => {
    const ws = proxy('be_ws');
    expect(ws.inherits).toBe('ws');
    expect(ws.timeouts.tunnel).toMatchObject({ ms: 3600000, where: { file: 'haproxy.cfg', line: 13 }, from: 'ws' });
    expect(ws.timeouts.client).toMatchObject({ ms: 30000, where: { line: 8 }, from: 'base' });
    // Without `from`, a proxy takes the last defaults section above it (here `ws`).
    expect(proxy('be_http').inherits).toBe('ws');
    expect(proxy('be_http').timeouts.server).toMatchObject({ ms: 2500, from: 'be_http' });
    expect(proxy('be_http').timeouts.tunnel).toMatchObject({ from: 'ws' });
  });
  it('reads log formats, captures, variables, binds and routing', () => {
    const fe = proxy('fe_main');
    expect(fe.logFormat).toMatchObject({ kind: 'custom', logFormat: '%ci:%cp [%tr] %ft %b/%s %ST upg=%[var(txn.upg)]' });
    expect(fe.captures.request).toEqual([{ header: 'Upgrade', len: 32 }]);
    expect(fe.variables['txn.upg']).toMatchObject({ expr: 'req.hdr(Upgrade)' });
    expect(fe.binds.map((b) => [b.ssl, b.alpn])).toEqual([[false, null], [true, 'h2,http/1.1']]);
    expect(fe.useBackends).toEqual([{ backend: 'be_ws', condition: 'if { path_beg /ws }', where: { file: 'haproxy.cfg', line: 21 } }]);
    expect(fe.defaultBackend).toBe('be_http');
    expect(proxy('be_http').logFormat?.kind).toBe('httplog');
  });
  it('reads persistence, checks and servers', () => {
    const ws = proxy('be_ws');
    expect(ws.balance?.algorithm).toBe('source');
    expect(ws.cookie).toMatchObject({ name: 'SRV', mode: 'insert', flags: ['insert', 'indirect', 'nocache'] });
    expect(ws.options['redispatch']?.enabled).toBe(true);
    expect(ws.httpCheck).toMatchObject({ method: 'GET', uri: '/ws', headers: ['Upgrade: websocket', 'Connection: Upgrade'], expect: 'status 200' });
    expect(ws.servers.map((s) => [s.name, s.check, s.backup, s.cookie, s.maxconn])).toEqual([['ws1', true, false, 'w1', 100], ['ws2', true, true, null, null]]);
  });
  it('picks the timeout that cuts an idle tunnel', () => {
    expect(tunnelTimeout(proxy('fe_main'), proxy('be_ws'))).toMatchObject({ name: 'tunnel', timeout: { ms: 3600000 } });
    const plain = readConfig('defaults\n timeout client 30s\n timeout server 2500ms\nfrontend f\n timeout client 20s\nbackend b\n', 'p.cfg');
    const [f, b] = [plain.proxies[0], plain.proxies[1]];
    expect(tunnelTimeout(f, b)).toMatchObject({ name: 'server', timeout: { ms: 2500 } });
    expect(tunnelTimeout(undefined, b)).toMatchObject({ name: 'server', timeout: { ms: 2500 } });
    const clientWins = readConfig('defaults\n timeout server 60s\nfrontend f\n timeout client 20s\nbackend b\n', 'p.cfg');
    expect(tunnelTimeout(clientWins.proxies[0], clientWins.proxies[1])).toMatchObject({ name: 'client', timeout: { ms: 20000, where: { line: 4 } } });
  });
});
