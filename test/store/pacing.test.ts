import { describe, expect, it } from 'vitest';
import { LOAD_SHARE_FACTOR, nextRunDelay } from '../../src/store/pacing.js';

describe('nextRunDelay', () => {
  it.each([
    [1000, 0, 1000],
    [1000, 100, 1000],
    [1000, 250, 1000],
    [1000, 400, 1600],
    [500, 3000, 12000],
  ])('interval %i ms after a run of %i ms → %i ms', (interval, took, expected) => {
    expect(nextRunDelay(interval, took)).toBe(expected);
  });

  it('keeps a slow run to at most a fifth of the time', () => {
    const took = 2000;
    expect(took / (took + nextRunDelay(1000, took))).toBeLessThanOrEqual(1 / (1 + LOAD_SHARE_FACTOR));
  });
});
