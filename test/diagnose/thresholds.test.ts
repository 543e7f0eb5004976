import { describe, expect, it } from 'vitest';
import { evaluateThresholds, parseThreshold, ThresholdError, type ThresholdFacts } from '../../src/diagnose/thresholds.js';

const facts: ThresholdFacts = {
  counts: [
    { status: 101, cause: 'ok', backend: 'be_ws', server: 'ws1', count: 900 },
    { status: 101, cause: 'timeout.tunnel', backend: 'be_ws', server: 'ws1', count: 150 },
    { status: 502, cause: 'server.hangup', backend: 'be_ws', server: 'ws2', count: 8 },
    { status: 200, cause: 'ok', backend: 'be_web', server: 'w1', count: 942 },
  ],
  sticky: [{ backend: 'be_ws', miss_rate: 0.07 }],
  tunnels: [{ backend: 'be_ws', p50_ms: 1000, p90_ms: 20000, p99_ms: 31000, max_ms: 60000 }],
  totals: { sessions: 2000, rejects: 3, upgrades: 1058 },
};

describe('thresholds', () => {
  it.each([
    ['rate(502) > 0.5%', 0.004, false],
    ['rate(502) > 0.3%', 0.004, true],
    ['rate(5xx, backend = "be_ws") > 0.5%', 8 / 1058, true],
    ['count(cause = "timeout.tunnel") > 100', 150, true],
    ['count(cause = "timeout.tunnel", server = "ws2") > 0', 0, false],
    ['sticky.miss_rate(be_ws) > 5%', 0.07, true],
    ['tunnels.p99(be_ws) >= 30s', 31000, true],
    ['rejects > 0', 3, true],
    ['sessions < 100', 2000, false],
    ['count(status = 502) == 8', 8, true],
  ] as const)('%s', (text, value, crossed) => {
    const [result] = evaluateThresholds([parseThreshold(text)], facts);
    expect(result!.value).toBeCloseTo(value, 6);
    expect(result!.crossed).toBe(crossed);
  });

  it('is not crossed without data (unknown backend)', () => {
    expect(evaluateThresholds([parseThreshold('sticky.miss_rate(be_x) > 1%')], facts)[0]).toMatchObject({ value: null, crossed: false, shown: 'no data' });
  });

  it.each([
    'rate(502)', 'rate 502 > 1', 'bogus(1) > 1', 'rate(cause = timeout.tunnel; DROP TABLE x) > 1', 'count(status = "50x") > 1', 'sessions(x) > 1', 'count(1) > 5%', "rate(cause = 'x') > 1",
  ])('refuses %s with a clear error', (text) => {
    expect(() => parseThreshold(text)).toThrow(ThresholdError);
  });
});

describe('threshold values and durations', () => {
  const named: ThresholdFacts = { ...facts, counts: [{ status: 502, cause: 'server.hangup', backend: 'be "x", (y)\\z', server: 'a', count: 4 }, { status: 200, cause: 'ok', backend: 'be "x", (y)\\z', server: 'a', count: 4 }] };

  it('takes a quoted value holding quotes, commas, parentheses and backslashes (\\" and \\\\)', () => {
    const [result] = evaluateThresholds([parseThreshold('rate(502, backend = "be \\"x\\", (y)\\\\z") > 10%')], named);
    expect(result).toMatchObject({ value: 0.5, crossed: true });
  });

  it.each([
    ['tunnels.p99(be_ws) >= 30s', 30_000],
    ['tunnels.p99(be_ws) >= 0.5m', 30_000],
    ['tunnels.p99(be_ws) >= 1.5h', 5_400_000],
    ['tunnels.p99(be_ws) >= 500ms', 500],
    ['tunnels.p99(be_ws) >= 500', 500],
    ['tunnels.max("be_ws") >= 1w', 604_800_000],
  ])('reads the duration of %s in the one grammar', (text, ms) => {
    expect(parseThreshold(text).value).toBe(ms);
  });

  it.each(['rate(backend = "unclosed) > 1%', 'rate(502, backend = "a\\b") > 1%', 'rejects > 5s', 'tunnels.p99(be_ws) > 5parsecs'])('refuses %s', (text) => {
    expect(() => parseThreshold(text)).toThrow(ThresholdError);
  });
});
