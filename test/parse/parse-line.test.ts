import { describe, expect, it } from 'vitest';
import { createLineParser } from '../../src/parse/parse-line.js';
import { STOCK_FORMATS } from '../../src/parse/formats/index.js';

// A custom format with the shape of tcplog but other meanings (Ta and bytes uploaded).
const LOOKALIKE = '%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Ta %U %ts %ac/%fc/%bc/%sc/%rc %sq/%bq';
const TCP_LINE = '127.0.0.1:40000 [22/Nov/2026:04:05:06.123] fe_tcp be/s1 0/1/3000 512 cD 1/1/1/1/0 0/0';

describe('createLineParser', () => {
  it('by shape alone, the first format that reads a line wins', () => {
    const parser = createLineParser({ timeZone: 'UTC', logFormats: [{ name: 'custom:fe_x', logFormat: LOOKALIKE }] });
    const out = parser.parse(TCP_LINE);
    expect(out.kind === 'session' && out.session.format).toBe('custom:fe_x');
  });

  it("with the configuration, a line is read with its frontend's format", () => {
    const parser = createLineParser({
      timeZone: 'UTC',
      logFormats: [{ name: 'custom:fe_x', logFormat: LOOKALIKE }],
      frontendFormats: new Map([['fe_tcp', 'tcplog'], ['fe_x', 'custom:fe_x']]),
    });
    const out = parser.parse(TCP_LINE);
    expect(out.kind).toBe('session');
    if (out.kind !== 'session') return;
    expect(out.session.snapshot()).toMatchObject({ format: 'tcplog', timeTotal: 3000, bytesRead: 512, bytesUploaded: NaN });
    const other = parser.parse(TCP_LINE.replace('fe_tcp', 'fe_x'));
    expect(other.kind === 'session' && other.session.snapshot()).toMatchObject({ format: 'custom:fe_x', timeActive: 3000, bytesUploaded: 512 });
  });

  it('round trip: a stock format given as a custom log-format parses every sample exactly as the built-in', () => {
    for (const format of STOCK_FORMATS) {
      const builtIn = createLineParser({ timeZone: 'UTC' });
      const custom = createLineParser({ timeZone: 'UTC', logFormats: [{ name: format.name, logFormat: format.logFormat }] });
      for (const sample of format.samples) {
        const a = builtIn.parse(sample);
        const b = custom.parse(sample);
        expect(a.kind, sample).toBe('session');
        expect(b.kind === 'session' && b.session.snapshot()).toEqual(a.kind === 'session' && a.session.snapshot());
      }
    }
  });

  it('rejects what it cannot read with a reason, never guesses, never throws', () => {
    const parser = createLineParser({ timeZone: 'UTC' });
    for (const line of ['\u0000\u0001\u0002', 'GET / HTTP/1.1', '<134>1 - - - - - -', '{"json":true}', '127.0.0.1:1 [bad] x']) {
      const out = parser.parse(line);
      expect(out.kind, line).toBe('reject');
      expect(out.kind === 'reject' && out.reason).toBe('unknown_format');
    }
  });

  it('flags a request cut by the sender at 1024 bytes as truncated, still a session', () => {
    const parser = createLineParser({ timeZone: 'UTC' });
    const head = '127.0.0.1:40000 [22/Nov/2026:04:05:06.123] fe be/s1 0/0/1/2/3 200 10 - - ---- 1/1/1/1/0 0/0 "GET /';
    const out = parser.parse((head + 'a'.repeat(2000)).slice(0, 1023));
    expect(out.kind === 'session' && out.session.truncated).toBe(true);
  });
});
