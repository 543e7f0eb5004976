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

  it("HAProxy's other messages (SPOE) are events of their own kind, not rejects", () => {
    const parser = createLineParser({ timeZone: 'UTC' });
    const out = parser.parse('Dec  4 15:23:05 lb1 haproxy[8479]: SPOE: [agent] <EVENT:on-frontend-http-request> sid=3 st=1 0/-1/-1/-1/301 0/1 0/0 2/2');
    expect(out.kind === 'event' && out.event).toMatchObject({ kind: 'haproxy.message', proxy: null, message: expect.stringMatching(/^SPOE: \[agent\]/) });
    // As `log stdout format raw` writes it: no envelope, and `SPOE:` is not a syslog tag.
    const raw = parser.parse('SPOE: [agent] <EVENT:on-frontend-http-request> sid=0 st=1 0/-1/-1/-1/301 0/1 0/0 1/1');
    expect(raw.kind === 'event' && raw.event.kind).toBe('haproxy.message');
    expect(parser.parse('Word: [agent] <EVENT:x> sid=0').kind).toBe('reject');
  });

  it('reads a line with spaces after its last field as it reads the line without them', () => {
    const parser = createLineParser({ timeZone: 'UTC' });
    const line = '127.0.0.1:40000 [22/Nov/2026:04:05:06.123] fe be/s1 0/0/1/2/3 101 10 - - ---- 1/1/1/1/0 0/0 "GET /ws HTTP/1.1"';
    const plain = parser.parse(line);
    const spaced = parser.parse(`${line} \t  `);
    expect(spaced.kind).toBe('session');
    expect(spaced.kind === 'session' && spaced.session.snapshot()).toEqual(plain.kind === 'session' && plain.session.snapshot());
  });

  it('flags a request cut by the sender at 1024 bytes as truncated, still a session', () => {
    const parser = createLineParser({ timeZone: 'UTC' });
    const head = '127.0.0.1:40000 [22/Nov/2026:04:05:06.123] fe be/s1 0/0/1/2/3 200 10 - - ---- 1/1/1/1/0 0/0 "GET /';
    const out = parser.parse((head + 'a'.repeat(2000)).slice(0, 1023));
    expect(out.kind === 'session' && out.session.truncated).toBe(true);
  });
});

describe('hostile lines (ReDoS)', () => {
  // Shapes that make naive patterns backtrack: long runs of separators a field scanner might retry on.
  const shapes = [
    (n: number) => `1.1.1.1:1 [${'/'.repeat(n)}`,
    (n: number) => `${':'.repeat(n)} [22/Nov/2026:04:05:06.123] fe be/s 0/0/1 0 -- 0/0/0/0/0 0/0`,
    (n: number) => `127.0.0.1:1 [22/Nov/2026:04:05:06.123] fe be/s 0/0/0/0/0 200 0 - - ---- 1/1/1/1/0 0/0 {${'|'.repeat(n)} "GET /`,
    (n: number) => `Server be/${'a'.repeat(n)} is DOWN, reason: ${'x, '.repeat(n / 3)}`,
    (n: number) => `<134>1 2026-11-22T03:37:05Z h p 1 - [${'x="\\]'.repeat(n / 5)} msg`,
  ];

  /**
   * CPU time per byte, the least of three measurements: CPU time does not count the time this process waited for a
   * core on a busy machine, and the minimum drops a measurement disturbed anyway (a GC, a cold cache).
   */
  function perByte(line: string): number {
    const parser = createLineParser({ timeZone: 'UTC' });
    const rounds = Math.max(1, Math.floor(2_000_000 / line.length));
    let best = Infinity;
    for (let attempt = 0; attempt < 3; attempt++) {
      const before = process.cpuUsage();
      for (let i = 0; i < rounds; i++) parser.parse(line);
      const used = process.cpuUsage(before);
      best = Math.min(best, (used.user + used.system) / (rounds * line.length));
    }
    return best;
  }

  it.each(shapes.map((s, i) => [i, s] as const))('shape %i: time per byte does not grow with the line (1 KB, 64 KB, 1 MB)', (_, shape) => {
    const small = perByte(shape(1024));
    const large = perByte(shape(1 << 20));
    perByte(shape(64 * 1024));
    // Linear parsing keeps the cost per byte flat; quadratic backtracking would multiply it by ~1000 here.
    // The bound is loose on purpose: it catches super-linear growth, not a slow machine.
    expect(large).toBeLessThan(Math.max(small, 1e-3) * 20);
  });
});

describe('round trip on the conformance corpora', () => {
  it('every line a stock format reads is read the same by that format given as a custom log-format', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { fileURLToPath } = await import('node:url');
    const base = fileURLToPath(new URL('../../../shared/conformance/', import.meta.url));
    const files = ['elastic-beats', 'elastic-integrations', 'haproxy_log_analysis', 'lnav'].flatMap((d) =>
      readdirSync(base + d).filter((f) => /\.log$|\.0$/.test(f)).map((f) => `${base}${d}/${f}`),
    );
    const builtIn = createLineParser({ timeZone: 'UTC' });
    const byFormat = new Map(STOCK_FORMATS.map((f) => [f.name, createLineParser({ timeZone: 'UTC', logFormats: [{ name: f.name, logFormat: f.logFormat }] })] as const));
    let compared = 0;
    for (const file of files) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const a = builtIn.parse(line);
        if (a.kind !== 'session') continue;
        const snapshot = a.session.snapshot();
        const b = byFormat.get(snapshot.format)!.parse(line);
        expect(b.kind === 'session' && b.session.snapshot(), line).toEqual(snapshot);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(30);
  });
});
