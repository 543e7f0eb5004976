import { describe, expect, it } from 'vitest';
import { parseEnvelope } from '../../src/parse/envelope.js';

const MSG = '127.0.0.1:40000 [22/Nov/2026:04:05:06.123] fe be/s1 0/0/5007 212 -- 0/0/0/0/0 0/0';

describe('parseEnvelope', () => {
  it.each([
    ['syslog file line, space-padded day', `Nov  2 14:03:12 lb1 haproxy[1234]: ${MSG}`, { host: 'lb1', program: 'haproxy', pid: 1234, yearless: true, month: 10, day: 2 }],
    ['zero-padded day, host -', `Feb 01 14:03:12 - haproxy[1]: ${MSG}`, { host: '-', pid: 1, day: 1 }],
    ['RFC 3164 with PRI and no host', `<134>Nov 22 04:05:06 haproxy[99]: ${MSG}`, { host: null, program: 'haproxy', pid: 99 }],
    ['RFC 5424', `<134>1 2026-11-22T03:37:05.529862+00:00 lb1 haproxy 10833 - - ${MSG}`, { host: 'lb1', program: 'haproxy', pid: 10833, utcMs: Date.UTC(2026, 10, 22, 3, 37, 5, 529) }],
    ['RFC 5424 stored without its PRI', `1 2026-11-22T03:37:05.529862+00:00 lb1 haproxy 10833 - - ${MSG}`, { host: 'lb1', program: 'haproxy', pid: 10833, utcMs: Date.UTC(2026, 10, 22, 3, 37, 5, 529) }],
    ['RFC 5424 with structured data', `<134>1 2026-11-22T03:37:05+01:00 lb1 haproxy 7 - [x@1 a="b\\]c"] ${MSG}`, { utcMs: Date.UTC(2026, 10, 22, 2, 37, 5) }],
    ['ISO prefix (rsyslog high precision)', `2026-11-22T03:37:05.529862+00:00 lb1 haproxy[7]: ${MSG}`, { host: 'lb1', pid: 7, utcMs: Date.UTC(2026, 10, 22, 3, 37, 5, 529) }],
    ['journalctl short-iso', `2026-11-22T03:37:05+0000 lb1 haproxy[7]: ${MSG}`, { host: 'lb1', utcMs: Date.UTC(2026, 10, 22, 3, 37, 5) }],
    ['bare tag', `haproxy[7]: ${MSG}`, { host: null, program: 'haproxy', pid: 7 }],
    ['raw message', MSG, { host: null, program: null, messageStart: 0 }],
    ['HAProxy timed format (no tag)', `<134>Nov 22 04:05:06 ${MSG}`, { host: null, program: null }],
  ])('%s', (_, line, expected) => {
    const env = parseEnvelope(line);
    expect(env).toMatchObject(expected);
    expect(line.slice(env.messageStart)).toBe(MSG);
  });

  it('a line starting with "1 " is RFC 5424 only when a full date follows', () => {
    expect(parseEnvelope(`1 2 3 ${MSG}`)).toMatchObject({ messageStart: 0, program: null });
  });

  it('never throws and always points inside the line', () => {
    for (const line of ['<', '<999999>', '<1>1 ', '1 ', '1 2', '1 2026-11-22T03:37:05Z', 'Nov', 'Nov 2', '2026-', '<134>1 2026-11-22T03:37:05Z', 'x[', 'x[1', 'x[1]', '\u0000']) {
      const env = parseEnvelope(line);
      expect(env.messageStart).toBeGreaterThanOrEqual(0);
      expect(env.messageStart).toBeLessThanOrEqual(line.length);
    }
  });
});
