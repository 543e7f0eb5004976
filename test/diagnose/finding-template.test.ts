import { describe, expect, it } from 'vitest';
import { findingOf } from '../../src/diagnose/analyze.js';
import { parseTemplate, renderTemplate, templateColumns } from '../../src/diagnose/finding-template.js';
import { headerColumns, loadQueries, parseQueryFile } from '../../src/diagnose/load-queries.js';
import { setupOrder } from '../../src/diagnose/run-query.js';

const render = (text: string, row: Record<string, unknown>) => renderTemplate(parseTemplate(text, 'test'), row as never);

describe('finding templates', () => {
  it.each([
    ['{n} × {status} on {backend}', { n: 3, status: 503, backend: 'be' }, '3 × 503 on be'],
    ['{missing}', {}, '-'],
    ['{list}', { list: ['a', 'b'] }, 'a, b'],
    ['{list}', { list: [] }, '-'],
    ['{ms|ms}', { ms: 850 }, '850 ms'],
    ['{ms|ms}', { ms: 2500 }, '2.5 s'],
    ['{ms|ms}', { ms: 2000 }, '2 s'],
    ['{ms|ms}', { ms: 900_000 }, '15 min'],
    ['{r|pct}', { r: 0.125 }, '12.5 %'],
    ['{c|cause}', { c: 'timeout.queue' }, 'queue timeout'],
    ['a{?x} b{/}c', { x: true }, 'a bc'],
    ['a{?x} b{/}c', { x: 0 }, 'ac'],
    ['a{?x} b{/}c', { x: [] }, 'ac'],
    ['{?v=timeout tunnel}T{/}{!v=timeout tunnel}O{/}', { v: 'timeout tunnel' }, 'T'],
    ['{?v=timeout tunnel}T{/}{!v=timeout tunnel}O{/}', { v: 'timeout client' }, 'O'],
    ['{!x}none{/}', { x: null }, 'none'],
    ['{?a}A{?b}B{/}{/}', { a: 1, b: 1 }, 'AB'],
    ['{?a}A{?b}B{/}{/}', { a: 1, b: 0 }, 'A'],
    ['{?a}A{?b}B{/}{/}', { a: 0, b: 1 }, ''],
  ])('%s with %o → %s', (text, row, out) => {
    expect(render(text, row)).toBe(out);
  });

  it('names the columns it reads', () => {
    expect(templateColumns(parseTemplate('{a} {?b}{c|ms}{/}{!d=x}{e}{/}', 't'))).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it.each([['{a'], ['{?a}never closed'], ['{/}'], ['{a|nope}'], ['{A B}']])('refuses %s, saying where', (text) => {
    expect(() => parseTemplate(text, 'queries/x.sql @detail')).toThrow(/queries\/x\.sql @detail/);
  });
});

const FILE = `-- @name demo
-- @title Demo
-- @description Two lines
--   of description.
-- @param since, until, backend
-- @section details
-- @finding demo-kind
-- @rank 7
-- @id backend, server
-- @when hit
-- @severity {severity}
-- @headline {n} on {backend}/{server}
-- @detail plain {n}
-- @detail[cause=timeout.queue] queued {wait|ms}
-- @advice plain advice
--   continued.
-- @advice[cause=no-server] bring one up
SELECT 1;
`;

describe('query headers', () => {
  const q = parseQueryFile(FILE, 'demo.sql');

  it('reads the finding, its variants and continuation lines', () => {
    expect(q).toMatchObject({ name: 'demo', description: 'Two lines of description.', params: ['since', 'until', 'backend'], section: 'details' });
    expect(q.finding).toMatchObject({ kind: 'demo-kind', rank: 7, id: ['backend', 'server'], when: 'hit' });
    expect(q.finding!.detail.map((v) => v.column)).toEqual(['cause', null]);
    expect(headerColumns(q).sort()).toEqual(['backend', 'cause', 'hit', 'n', 'server', 'severity', 'wait']);
  });

  it('picks the variant for the row, and gives the same id to the same thing whatever its counts', () => {
    const row = { backend: 'be', server: 's1', n: 3, severity: 'warning', cause: 'timeout.queue', wait: 1000, hit: true };
    const f = findingOf(q.finding!, row);
    expect(f).toMatchObject({ kind: 'demo-kind', severity: 'warning', title: '3 on be/s1', detail: 'queued 1 s', advice: 'plain advice continued.', backend: 'be', server: 's1' });
    expect(f.id).toMatch(/^demo-kind-[0-9a-f]{12}$/);
    expect(findingOf(q.finding!, { ...row, n: 99, wait: 5 }).id).toBe(f.id);
    expect(findingOf(q.finding!, { ...row, server: 's2' }).id).not.toBe(f.id);
    expect(findingOf(q.finding!, { ...row, cause: 'no-server' })).toMatchObject({ detail: 'plain 3', advice: 'bring one up' });
  });

  it('refuses a severity that is not one', () => {
    expect(() => findingOf(q.finding!, { severity: 'bad', backend: 'be', server: 's', n: 1 })).toThrow(/severity 'bad'/);
  });

  it.each([
    ['an unknown tag', '-- @name x\n-- @headlin oops\n'],
    ['a variant of a tag that has none', '-- @name x\n-- @rank[cause=a] 1\n'],
    ['a finding without a plain advice', '-- @name x\n-- @finding k\n-- @severity info\n-- @headline h\n-- @detail d\n-- @advice[cause=a] a\n'],
    ['an unknown section', '-- @name x\n-- @section nowhere\n'],
  ])('refuses %s', (_, text) => {
    expect(() => parseQueryFile(text, 'x.sql')).toThrow(/x\.sql/);
  });

  it('every query file of queries/ loads, and its setup macros come after the ones they call', () => {
    const all = [...loadQueries().values()];
    expect(all.length).toBeGreaterThan(20);
    const order = setupOrder(all).map((q) => q.name);
    expect(order.indexOf('session-causes')).toBeGreaterThan(order.indexOf('proxy-timeouts'));
    expect(order.indexOf('mass-disconnect-bursts')).toBeGreaterThan(order.indexOf('session-causes'));
    expect(order.indexOf('session-lines')).toBeGreaterThan(order.indexOf('session-causes'));
  });
});
