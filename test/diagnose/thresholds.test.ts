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
