import { describe, expect, it } from 'vitest';
import { parseTimeArg } from '../../src/commands/time-args.js';
import { UsageError } from '../../src/commands/command.js';

const now = new Date(Date.UTC(2026, 10, 22, 12, 0, 0));

describe('parseTimeArg', () => {
  it.each([
    ['24h', '2026-11-21 12:00:00.000'],
    ['90m', '2026-11-22 10:30:00.000'],
    ['7d', '2026-11-15 12:00:00.000'],
    ['1.5h', '2026-11-22 10:30:00.000'],
    ['500ms', '2026-11-22 11:59:59.500'],
    ['1w', '2026-11-15 12:00:00.000'],
    ['now', '2026-11-22 12:00:00.000'],
    ['2026-11-20T14:00:00Z', '2026-11-20 14:00:00.000'],
    ['2026-11-20T14:00:00+01:00', '2026-11-20 13:00:00.000'],
    ['2026-11-20 14:00', '2026-11-20 13:00:00.000'],
    ['20/Nov/2026:14:00:00', '2026-11-20 13:00:00.000'],
  ])('%s', (text, expected) => {
    expect(parseTimeArg(text, now, 'Europe/Paris')).toBe(expected);
  });
  it('is null when absent and refuses nonsense', () => {
    expect(parseTimeArg(undefined, now)).toBeNull();
    expect(() => parseTimeArg('yesterday-ish', now)).toThrow(UsageError);
  });
});
