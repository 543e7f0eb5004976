import { describe, expect, it } from 'vitest';
import { createFindingDiff, summaryLine } from '../../src/commands/live-report.js';
import { durationArg } from '../../src/commands/time-args.js';
import { DATA, EVIL } from '../ui/fixture.js';

describe('live reports', () => {
  it('the summary line counts 5xx and escapes logged text', () => {
    const line = summaryLine(DATA);
    expect(line).toMatch(/5xx 9/);
    expect(line).toMatch(/lines 120 \(12\.0\/s, lag 0\.3 s\)/);
    expect(line).toContain('top: 7 × 503');
    expect(line).not.toContain('\u001b');
    expect(line.endsWith('\n')).toBe(true);
    expect(line).not.toContain('row budget');
  });

  it('says when the row budget cut the window short', () => {
    const line = summaryLine({ ...DATA, live: { ...DATA.live!, heldMs: 8_000 } });
    expect(line).toContain('only the last 8.0 s held (row budget)');
  });

  it('the NDJSON diff reports new, changed and resolved findings', () => {
    const diff = createFindingDiff();
    const f = DATA.analysis.findings;
    const first = diff(f, 't1').trim().split('\n').map((l) => JSON.parse(l) as { event: string });
    expect(first.map((r) => r.event)).toEqual(f.map(() => 'new'));
    expect(diff(f, 't2')).toBe('');
    const grown = [{ ...f[0]!, title: f[0]!.title.replace('7 ×', '8 ×') }];
    const second = diff(grown, 't3').trim().split('\n').map((l) => JSON.parse(l) as { event: string });
    expect(second.map((r) => r.event)).toEqual(['changed', ...f.slice(1).map(() => 'resolved')]);
    expect(JSON.stringify(second)).not.toContain(EVIL); // JSON escapes the control characters
  });

  it('keys findings by their id: one per backend even when their titles read alike, and the same across counts', () => {
    const diff = createFindingDiff();
    const f = DATA.analysis.findings[0]!;
    const chat1 = { ...f, id: 'failure-aaaaaaaaaaaa', title: '7 × 503 no server available on chat1/<NOSRV>', backend: 'chat1' };
    const chat2 = { ...f, id: 'failure-bbbbbbbbbbbb', title: '7 × 503 no server available on chat2/<NOSRV>', backend: 'chat2' };
    const first = diff([chat1, chat2], 't1').trim().split('\n').map((l) => JSON.parse(l) as { event: string; id: string });
    expect(first.map((r) => [r.event, r.id])).toEqual([['new', chat1.id], ['new', chat2.id]]);
    // More sessions, another count in the title: the same finding, changed.
    const grown = diff([{ ...chat1, title: chat1.title.replace('7 ×', '12 ×') }, chat2], 't2').trim().split('\n').map((l) => JSON.parse(l) as { event: string; id: string });
    expect(grown).toEqual([expect.objectContaining({ event: 'changed', id: chat1.id })]);
  });

  it.each([['15m', 900_000], ['30s', 30_000], ['1h', 3_600_000], ['250ms', 250], ['1.5h', 5_400_000], ['1w', 604_800_000]])('parses %s', (text, ms) => {
    expect(durationArg(text, '--window')).toBe(ms);
  });

  it('rejects a bad duration, and a number without a unit', () => {
    expect(() => durationArg('soon', '--window')).toThrow(/--window/);
    expect(() => durationArg('15', '--window')).toThrow(/--window takes a duration/);
  });
});
