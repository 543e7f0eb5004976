import { describe, expect, it } from 'vitest';
import { createTimeZone } from '../../src/parse/time-zone.js';
import { createLineParser } from '../../src/parse/parse-line.js';

describe('createTimeZone', () => {
  const paris = createTimeZone('Europe/Paris');
  it('converts winter and summer wall-clock times', () => {
    expect(paris.toUtc(Date.UTC(2026, 0, 15, 12, 0))).toBe(Date.UTC(2026, 0, 15, 11, 0));
    expect(paris.toUtc(Date.UTC(2026, 6, 15, 12, 0))).toBe(Date.UTC(2026, 6, 15, 10, 0));
  });
  it('takes the earlier instant in the repeated autumn hour', () => {
    // 25 Oct 2026: 03:00 CEST → 02:00 CET, so 02:30 happens at 00:30Z and again at 01:30Z.
    expect(paris.toUtc(Date.UTC(2026, 9, 25, 2, 30))).toBe(Date.UTC(2026, 9, 25, 0, 30));
    expect(paris.toUtc(Date.UTC(2026, 9, 25, 3, 30))).toBe(Date.UTC(2026, 9, 25, 2, 30));
  });
  it('reads the skipped spring hour with the offset before the jump', () => {
    // 29 Mar 2026: 02:00 CET → 03:00 CEST; 02:30 does not exist.
    expect(paris.toUtc(Date.UTC(2026, 2, 29, 2, 30))).toBe(Date.UTC(2026, 2, 29, 1, 30));
  });
  it('refuses unknown zones', () => {
    expect(() => createTimeZone('Mars/Olympus')).toThrow(RangeError);
  });
});

describe('dates in parse-line', () => {
  const line = (env: string) => `${env}127.0.0.1:1 [25/Oct/2026:02:30:00.000] fe be/s 0/0/1 0 -- 0/0/0/0/0 0/0`;
  it('uses the envelope offset to place an accept date in the repeated hour', () => {
    const parser = createLineParser({ timeZone: 'Europe/Paris' });
    // The second 02:30 (CET, +01:00) as the RFC 5424 envelope says.
    const out = parser.parse(line('<134>1 2026-10-25T02:30:00.000+01:00 lb haproxy 1 - - '));
    expect(out.kind === 'session' && out.tsMs).toBe(Date.UTC(2026, 9, 25, 1, 30));
  });
  it('prefers the accept date (it has a year) over a year-less syslog stamp', () => {
    const parser = createLineParser({ timeZone: 'UTC', referenceDate: new Date(Date.UTC(2030, 5, 1)) });
    const out = parser.parse(line('Oct 25 02:30:01 lb haproxy[1]: '));
    expect(out.kind === 'session' && out.tsMs).toBe(Date.UTC(2026, 9, 25, 2, 30));
  });
  it('gives a year-less event the year of the lines around it, rolling over New Year', () => {
    const parser = createLineParser({ timeZone: 'UTC', referenceDate: new Date(Date.UTC(2030, 5, 1)), nowMs: Date.UTC(2030, 5, 1) });
    parser.parse('Dec 31 23:59:59 lb haproxy[1]: 127.0.0.1:1 [31/Dec/2026:23:59:59.000] fe be/s 0/0/1 0 -- 0/0/0/0/0 0/0');
    const out = parser.parse('Jan  1 00:00:05 lb haproxy[1]: Proxy fe started.');
    expect(out.kind).toBe('event');
    expect(out.kind === 'event' && out.tsMs).toBe(Date.UTC(2027, 0, 1, 0, 0, 5));
  });
  it('without any full date, rolls a year-less stamp back across New Year from the reference date', () => {
    const parser = createLineParser({ timeZone: 'UTC', referenceDate: new Date(Date.UTC(2027, 0, 2)), nowMs: Date.UTC(2027, 0, 2) });
    const out = parser.parse('Dec 31 23:00:00 lb haproxy[1]: Proxy fe started.');
    expect(out.kind === 'event' && out.tsMs).toBe(Date.UTC(2026, 11, 31, 23));
  });
  it('never guesses a year that puts a line in the future: a December stamp read from stdin in early December is last year\'s', () => {
    // stdin has no modification time: the reference is now (3 December 2026).
    const now = Date.UTC(2026, 11, 3, 12);
    const parser = createLineParser({ timeZone: 'UTC', referenceDate: new Date(now), nowMs: now });
    const late = parser.parse('Dec 31 23:00:00 lb haproxy[1]: Proxy fe started.');
    expect(late.kind === 'event' && late.tsMs).toBe(Date.UTC(2025, 11, 31, 23));
    // Today's and yesterday's stamps keep this year; a day of slack for clocks and zones.
    const today = parser.parse('Dec  3 11:00:00 lb haproxy[1]: Proxy fe started.');
    expect(today.kind === 'event' && today.tsMs).toBe(Date.UTC(2026, 11, 3, 11));
    const tomorrow = parser.parse('Dec  4 10:00:00 lb haproxy[1]: Proxy fe started.');
    expect(tomorrow.kind === 'event' && tomorrow.tsMs).toBe(Date.UTC(2026, 11, 4, 10));
  });
});
