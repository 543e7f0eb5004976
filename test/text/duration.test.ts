import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/text/duration.js';
import { parseTime } from '../../src/config/read-config.js';
import { durationArg, parseTimeArg } from '../../src/commands/time-args.js';
import { parseThreshold } from '../../src/diagnose/thresholds.js';

describe('the one duration grammar', () => {
  it.each([
    ['500ms', 500], ['30s', 30_000], ['1.5h', 5_400_000], ['90m', 5_400_000], ['7d', 604_800_000], ['1w', 604_800_000],
    ['250us', 0.25], ['.5s', 500], ['2 h', 7_200_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('refuses what is not a duration, and a bare number unless told its unit', () => {
    for (const text of ['', 'soon', '1.5', '1x', '-5m', '1h30m', 'h']) expect(parseDuration(text), text).toBeNull();
    expect(parseDuration('100', 'ms')).toBe(100);
  });

  it('is the same everywhere a duration is read: flags, --since, thresholds and the configuration', () => {
    const now = new Date(Date.UTC(2026, 10, 22, 12, 0, 0));
    for (const [text, ms] of [['1.5h', 5_400_000], ['500ms', 500], ['1w', 604_800_000]] as const) {
      expect(durationArg(text, '--window')).toBe(ms);
      expect(parseTimeArg(text, now)).toBe(new Date(now.getTime() - ms).toISOString().replace('T', ' ').replace('Z', ''));
      expect(parseThreshold(`tunnels.p99(be) > ${text}`).value).toBe(ms);
      expect(parseTime(text)).toBe(ms);
    }
  });
});
