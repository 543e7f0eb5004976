import { describe, expect, it } from 'vitest';
import { compileLogFormat, tokenizeLogFormat, unquoteConfigString, LogFormatError } from '../../src/parse/log-format.js';
import { SessionRecord } from '../../src/parse/session-record.js';

function parseWith(format: string, line: string) {
  const compiled = compileLogFormat('t', format);
  const rec = new SessionRecord();
  const failure = compiled.parse(line, 0, rec);
  return { failure, rec: rec.snapshot() };
}

describe('tokenizeLogFormat', () => {
  it('merges spaces into one separator and keeps literal text', () => {
    const nodes = tokenizeLogFormat('%ci:%cp   [%tr] upg=%[var(txn.upg)]');
    expect(nodes.map((n) => (n.type === 'literal' ? `L(${n.text})` : n.token))).toEqual([
      '%ci', 'L(:)', '%cp', 'L( )', 'L([)', '%tr', 'L(])', 'L( )', 'L(upg=)', '%[var(txn.upg)]',
    ]);
  });
  it('reads %% as a literal percent and %{+Q} flags', () => {
    const nodes = tokenizeLogFormat('%%%{+Q}r');
    expect(nodes[0]).toMatchObject({ type: 'literal', text: '%' });
    expect(nodes[1]).toMatchObject({ token: '%r', quoted: true });
  });
  it('applies %o flags to the variables after it', () => {
    const nodes = tokenizeLogFormat('%{+Q}o %b %{-Q}s');
    expect(nodes.filter((n) => n.type === 'field').map((n) => (n.type === 'field' ? n.quoted : null))).toEqual([true, false]);
  });
  it('rejects unknown variables with the column', () => {
    expect(() => tokenizeLogFormat('%ci %nope')).toThrow(LogFormatError);
    expect(() => tokenizeLogFormat('%ci %nope')).toThrow(/%nope.*column 5/);
  });
  it('undoes configuration quoting and escaped spaces', () => {
    expect(unquoteConfigString('"%ci:%cp [%tr]"')).toBe('%ci:%cp [%tr]');
    expect(unquoteConfigString('%T\\ %t\\ Some\\ Text')).toBe('%T %t Some Text');
    expect(unquoteConfigString(`"%{+Q}o %t"' %s'\\ %{-Q}r`)).toBe('%{+Q}o %t %s %{-Q}r');
  });
});

describe('compiled parsers', () => {
  const custom = '%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %{+Q}r upg=%[var(txn.upg)] conn=%[var(txn.conn)]';
  it.each([
    ['IPv6 client split at the last colon', '%ci:%cp %b', '::1:40000 be', { clientIp: '::1', clientPort: 40000, backend: 'be' }],
    ['-1 timers are absent', '%TR/%Tw/%Tc/%Tr/%Ta', '-1/-1/-1/-1/8490', { timeRequest: NaN, timeActive: 8490 }],
    ['logasap + on Ta and B', '%Ta %B', '+30 +243', { timeActive: 30, bytesRead: 243, logasap: true }],
    ['redispatch + on retries', '%ac/%fc/%bc/%sc/%rc', '1/1/1/1/+2', { retries: 2, redispatched: true }],
    ['SSL frontend ~', '%ft', 'https-in~', { frontend: 'https-in', ssl: true }],
    ['hex client (+X)', '%{+X}ci:%{+X}cp', '7F000001:9C40', { clientIp: '127.0.0.1', clientPort: 40000 }],
    ['epoch seconds', '%Ts %b', '1763784306 be', { utcMs: 1763784306000 }],
    ['gmt date with offset', '[%trg] %b', '[22/Nov/2026:04:05:06 +0100] be', { utcMs: Date.UTC(2026, 10, 22, 3, 5, 6) }],
    ['accept ms added to a date without ms', '[%trg] %ms', '[22/Nov/2026:04:05:06 +0000] 042', { utcMs: Date.UTC(2026, 10, 22, 4, 5, 6, 42) }],
  ])('%s', (_, format, line, expected) => {
    const { failure, rec } = parseWith(format, line);
    expect(failure).toBeNull();
    expect(rec).toMatchObject(expected);
  });

  it('reads upg= and conn= values, including a Connection header with spaces', () => {
    const line = '127.0.0.1:40000 [22/Nov/2026:04:05:06.123] fe be_ws/ws1 0/0/0/1/2005 101 147 - - cD-- 1/1/0/0/0 0/0 "GET /ws HTTP/1.1" upg=websocket conn=keep-alive, Upgrade';
    const { failure, rec } = parseWith(custom, line);
    expect(failure).toBeNull();
    expect(rec).toMatchObject({ upgrade: 'websocket', connection: 'keep-alive, Upgrade', status: 101, termination: 'cD--', method: 'GET', uri: '/ws' });
  });
  it('treats - in upg= as absent', () => {
    const line = '127.0.0.1:40000 [22/Nov/2026:04:05:06.123] fe be/s1 0/0/0/1/2 200 147 - - ---- 1/1/0/0/0 0/0 "GET / HTTP/1.1" upg=- conn=-';
    expect(parseWith(custom, line).rec).toMatchObject({ upgrade: null, connection: null });
  });
  it('accepts a request cut by the sender (no closing quote) and flags it', () => {
    const format = '%ci:%cp %b %{+Q}r';
    const { failure, rec } = parseWith(format, '1.2.3.4:5 be "GET /aaaaaaaaaaaa');
    expect(failure).toBeNull();
    expect(rec).toMatchObject({ truncated: true, method: 'GET', uri: '/aaaaaaaaaaaa', httpVersion: null });
  });
  it('names the field that does not match', () => {
    const { failure } = parseWith('%ci:%cp %ST', '1.2.3.4:5 abc');
    expect(failure).toMatch(/%ST is not a number at column 11/);
  });
  it('refuses trailing text (so httpslog lines are not read as httplog)', () => {
    expect(parseWith('%b %{+Q}r', 'be "GET / HTTP/1.1" 0/0/0/0/0 1wt.eu/TLSv1.3/TLS_AES_256_GCM_SHA384').failure).toMatch(/unexpected text/);
  });
  it('parses the request of <BADREQ> without inventing a method', () => {
    const { rec } = parseWith('%b %{+Q}r', 'be "<BADREQ>"');
    expect(rec).toMatchObject({ request: '<BADREQ>', method: null, uri: null });
  });
  it('never throws on hostile input', () => {
    const compiled = compileLogFormat('t', custom);
    const rec = new SessionRecord();
    for (const line of ['', '"', '{', '[', ':'.repeat(1000), '\u0000\u001b]0;x\u0007', 'a'.repeat(100_000), '1.2.3.4:5 [' + '/'.repeat(50)]) {
      rec.reset();
      expect(() => compiled.parse(line, 0, rec)).not.toThrow();
    }
  });
});
