/**
 * The drill-down's paging, driven by random keys against rows in memory that answer requests as the SQL does
 * (keyset): after every key and the pages it asks for, the rows in view are loaded and each is the row of its index.
 */
import { describe, expect, it } from 'vitest';
import type { DrillKey, DrillLine, DrillQuery } from '../../src/diagnose/screen-data.js';
import {
  drillCounted, drillEnd, drillHome, drillPaged, moveDrill, openDrill, visibleWindow, type DrillRequest, type DrillState, type DrillStep,
} from '../../src/ui/drill-state.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

const cmp = (a: DrillKey, b: DrillKey): number => a.k - b.k || a.sourceId - b.sourceId || a.lineNo - b.lineNo;

function rows(n: number): DrillLine[] {
  return Array.from({ length: n }, (_, i) => ({ key: { k: Math.floor(i / 3) * 1000, sourceId: 1 + (i % 3), lineNo: i }, ts: null, raw: true, text: `row ${i}` }));
}

/** Answers every request until none is left, as the database would; returns the final state and the requests. */
function settle(first: DrillStep, all: DrillLine[], height: number): { d: DrillState; requests: DrillRequest[] } {
  let d = first.drill;
  const queue = [...first.requests];
  const seen: DrillRequest[] = [];
  while (queue.length) {
    const r = queue.shift()!;
    seen.push(r);
    expect(seen.length).toBeLessThan(200);
    let next: DrillStep;
    if (r.type === 'drill-count') next = drillCounted(d, r.seq, all.length, height);
    else if (r.type === 'drill-page') {
      const view = r.query.order === 'asc' ? all : [...all].reverse();
      const sign = r.query.order === 'asc' ? 1 : -1;
      const q = r.request;
      const keep = (l: DrillLine) => !q.anchor || (q.inclusive && cmp(l.key, q.anchor) === 0) || (q.backward ? sign * cmp(l.key, q.anchor) < 0 : sign * cmp(l.key, q.anchor) > 0);
      const page = q.backward ? view.filter(keep).slice(-q.limit) : view.filter(keep).slice(0, q.limit);
      next = drillPaged(d, r.seq, page, r.anchorIndex, q, height);
    } else throw new Error('no search here');
    d = next.drill;
    queue.push(...next.requests);
  }
  return { d, requests: seen };
}

function checkLoaded(d: DrillState, height: number, total: number): void {
  const [from, to] = visibleWindow(total, d.selected, height);
  expect(d.offset).toBeLessThanOrEqual(from);
  expect(d.offset + d.lines.length).toBeGreaterThanOrEqual(to);
  for (let i = from; i < to; i++) expect(d.lines[i - d.offset]!.text).toBe(`row ${i}`);
}

describe('drill-down paging', () => {
  it.each([[0, 5000, 20], [1, 37, 10], [2, 20_000, 150], [3, 1, 5], [4, 450, 120]])('seed %i: %i rows, %i in view', (seed, n, height) => {
    const random = rng(seed);
    const all = rows(n);
    const query: DrillQuery = { target: { kind: 'rejects', reason: null }, since: null, order: 'asc', filter: null };
    let { d } = settle(openDrill(query, 'rows', 1), all, height);
    checkLoaded(d, height, n);
    for (let step = 0; step < 300; step++) {
      const pick = random();
      const move = pick < 0.05 ? drillEnd(d, height) : pick < 0.1 ? drillHome(d, height)
        : moveDrill(d, d.selected + Math.round((random() - 0.5) * (pick < 0.5 ? 4 : 2 * height * (1 + random() * 20))), height);
      ({ d } = settle(move, all, height));
      checkLoaded(d, height, n);
    }
  });

  it('never sorts past rows: a jump to the end reads one page backward, not every page before it', () => {
    const all = rows(100_000);
    const query: DrillQuery = { target: { kind: 'rejects', reason: null }, since: null, order: 'asc', filter: null };
    const { d } = settle(openDrill(query, 'rows', 1), all, 20);
    const end = settle(drillEnd(d, 20), all, 20);
    expect(end.requests).toHaveLength(1);
    expect(end.d.selected).toBe(99_999);
    checkLoaded(end.d, 20, 100_000);
  });
});
