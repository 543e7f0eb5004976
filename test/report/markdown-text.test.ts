import { describe, expect, it } from 'vitest';
import { markdownCode, markdownText } from '../../src/report/markdown-text.js';

describe('markdownText: our prose with logged values in it', () => {
  it.each([
    ['Point `option httpchk` at a plain URL', 'Point `option httpchk` at a plain URL'],
    ['be_hc/hc1 and be_slow_aoc', 'be_hc/hc1 and be_slow_aoc'],
    ['a _word_ and *stars*', 'a \\_word\\_ and \\*stars\\*'],
    ['be_hc/<NOSRV>', 'be_hc/\\<NOSRV\\>'],
    ['<script>alert(1)</script>', '\\<script\\>alert(1)\\</script\\>'],
    ['[click](http://x)', '\\[click\\](http://x)'],
    ['one ` stray backtick', 'one \\` stray backtick'],
    ['&lt; an entity, & an ampersand', '&amp;lt; an entity, & an ampersand'],
    ['a | pipe', 'a | pipe'],
    // displayText doubles a backslash; Markdown then shows exactly what displayText shows.
    ['C:\\path and \\*', 'C:\\\\\\path and \\\\\\\\\\*'],
    ['\u001b]0;pwned\u0007', '\\x1b\\]0;pwned\\x07'],
  ])('%j → %j', (input, expected) => {
    expect(markdownText(input)).toBe(expected);
  });

  it('escapes cell separators in tables, inside code spans too', () => {
    expect(markdownText('a | b `c|d`', { table: true })).toBe('a \\| b `c\\|d`');
  });
});

describe('markdownCode: a logged value as an inert code span', () => {
  it.each([
    ['be_hc/<NOSRV>', '`be_hc/<NOSRV>`'],
    ['has `ticks`', '`` has `ticks` ``'],
    ['``', '``` `` ```'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(markdownCode(input)).toBe(expected);
  });

  it('escapes | in a table', () => {
    expect(markdownCode('a|b', { table: true })).toBe('`a\\|b`');
  });
});
