/**
 * A drill-down as state: its query (target, order, filter), its total ("of 4,248"), one page of lines fetched from
 * the database around the selection, search and filter prompts, and the horizontal scroll of long lines. Pure:
 * the functions return the new state and the requests to send (the hook sends them and feeds the answers back),
 * so that keys that arrive together act in order on the latest selection.
 */
import type { DrillKey, DrillLine, DrillPageRequest, DrillQuery } from '../diagnose/screen-data.js';
import { lineEdit, type LineEdit } from './line-editor.js';

/** Lines fetched at a time: a few screens, so that scrolling rarely waits. */
export const PAGE_LINES = 200;

export type DrillRequest =
  | { readonly type: 'drill-count'; readonly seq: number; readonly query: DrillQuery }
  /** `anchorIndex`: where the anchor stands in the view (-1 before the first row, total after the last). */
  | { readonly type: 'drill-page'; readonly seq: number; readonly query: DrillQuery; readonly request: DrillPageRequest; readonly anchorIndex: number }
  | { readonly type: 'drill-find'; readonly seq: number; readonly query: DrillQuery; readonly term: string; readonly from: DrillKey | null; readonly backward: boolean };

export interface DrillState {
  readonly query: DrillQuery;
  readonly title: string;
  /** Bumped when the query changes (filter, sort): answers to an older one are dropped. */
  readonly seq: number;
  readonly total: number | null;
  /** The loaded page: rows offset … offset + lines.length - 1 of the view. */
  readonly offset: number;
  readonly lines: readonly DrillLine[];
  readonly paging: boolean;
  readonly selected: number;
  readonly error: string | null;
  readonly search: string | null;
  readonly searching: boolean;
  /** A note for the status of the drill-down (pattern not found, wrapped). */
  readonly message: string | null;
  readonly prompt: { readonly kind: 'search' | 'filter'; readonly edit: LineEdit } | null;
  /** Columns the raw lines are scrolled to the left. */
  readonly scroll: number;
  /** End was pressed before the lines were counted: go there once they are. */
  readonly wantEnd: boolean;
}

export interface DrillStep {
  readonly drill: DrillState;
  readonly requests: readonly DrillRequest[];
}

const step = (drill: DrillState, ...requests: DrillRequest[]): DrillStep => ({ drill, requests });

/** A new drill-down: count it, and fetch its first page. */
export function openDrill(query: DrillQuery, title: string, seq: number): DrillStep {
  const drill: DrillState = {
    query, title, seq, total: null, offset: 0, lines: [], paging: false, selected: 0, error: null,
    search: null, searching: false, message: null, prompt: null, scroll: 0, wantEnd: false,
  };
  return restart(drill, query, seq);
}

function restart(d: DrillState, query: DrillQuery, seq: number): DrillStep {
  const drill: DrillState = { ...d, query, seq, total: null, offset: 0, lines: [], selected: 0, paging: true, error: null, message: null, wantEnd: false };
  return step(drill,
    { type: 'drill-count', seq, query },
    { type: 'drill-page', seq, query, request: { anchor: null, inclusive: false, backward: false, limit: PAGE_LINES }, anchorIndex: -1 });
}

/** The rows of the view that the table shows around the selection (as Table's visibleRange keeps it in view). */
export function visibleWindow(count: number, selected: number, height: number): [number, number] {
  const h = Math.max(1, height);
  const start = Math.max(0, Math.min(selected - Math.floor(h / 2), count - h));
  return [start, Math.min(count, start + h)];
}

/**
 * What to fetch so that the rows in view are loaded: nothing, or one page anchored on a loaded row (keyset:
 * no OFFSET to sort millions of rows). Called after every move and every page that arrives, so a long jump
 * converges page by page.
 */
export function ensureLoaded(d: DrillState, height: number): DrillStep {
  if (d.total === null || d.paging || d.error) return step(d);
  const [from, to] = visibleWindow(d.total, d.selected, height);
  const end = d.offset + d.lines.length;
  if (from >= d.offset && to <= end) return step(d);
  // A page always holds a whole window, so that re-anchoring on the window's edge covers it.
  const limit = Math.max(PAGE_LINES, 2 * height);
  const page = (anchor: DrillLine | null, anchorIndex: number, inclusive: boolean, backward: boolean): DrillStep =>
    step({ ...d, paging: true }, {
      type: 'drill-page', seq: d.seq, query: d.query, anchorIndex,
      request: { anchor: anchor?.key ?? null, inclusive, backward, limit },
    });
  if (d.lines.length === 0) return page(null, -1, false, false);
  // The selection left the page: the next page in that direction (a long jump converges page by page).
  if (d.selected >= end) return page(d.lines[d.lines.length - 1]!, end - 1, false, false);
  if (d.selected < d.offset) return page(d.lines[0]!, d.offset, false, true);
  // The selection is loaded but the window runs past the page: a page from the window's first row on, or up to its
  // last row (both loaded, as the selection is).
  if (to > end) {
    const at = Math.max(d.offset, from);
    return page(d.lines[at - d.offset]!, at, true, false);
  }
  const at = Math.min(end - 1, to - 1);
  return page(d.lines[at - d.offset]!, at, true, true);
}

export function drillCounted(d: DrillState, seq: number, total: number, height: number): DrillStep {
  if (seq !== d.seq) return step(d);
  // Keys that came before the count (Enter then End in one read) act now.
  const counted = { ...d, total, selected: Math.max(0, Math.min(d.selected, total - 1)), wantEnd: false };
  return d.wantEnd ? drillEnd(counted, height) : ensureLoaded(counted, height);
}

export function drillPaged(d: DrillState, seq: number, lines: readonly DrillLine[], anchorIndex: number, request: DrillPageRequest, height: number): DrillStep {
  if (seq !== d.seq) return step(d);
  if (d.wantEnd && d.total !== null) return drillEnd({ ...d, paging: false, wantEnd: false }, height);
  let offset: number;
  if (request.anchor === null) offset = request.backward ? Math.max(0, (d.total ?? lines.length) - lines.length) : 0;
  else if (request.backward) offset = (request.inclusive ? anchorIndex + 1 : anchorIndex) - lines.length;
  else offset = request.inclusive ? anchorIndex : anchorIndex + 1;
  const next: DrillState = { ...d, paging: false, offset: Math.max(0, offset), lines };
  // A short page at the end tells the total too (live stores shrink and grow under a drill-down).
  if (next.total !== null && lines.length < request.limit && !request.backward && next.offset + lines.length < next.total) {
    return ensureLoaded({ ...next, total: next.offset + lines.length, selected: Math.min(next.selected, Math.max(0, next.offset + lines.length - 1)) }, height);
  }
  return ensureLoaded(next, height);
}

export function drillFailed(d: DrillState, seq: number, message: string): DrillState {
  return seq === d.seq ? { ...d, paging: false, searching: false, error: message } : d;
}

/** Moves the selection (clamped), then fetches what came into view. */
export function moveDrill(d: DrillState, to: number, height: number): DrillStep {
  // Not counted yet: the move is kept, and clamped once the count comes.
  if (d.total === null) return step({ ...d, selected: Math.max(0, to), message: null, wantEnd: false });
  return ensureLoaded({ ...d, selected: Math.max(0, Math.min(to, d.total - 1)), message: null }, height);
}

export function drillEnd(d: DrillState, height: number): DrillStep {
  if (d.total === null) return step({ ...d, wantEnd: true });
  if (d.total === 0) return step(d);
  if (d.paging) return step({ ...d, selected: d.total - 1, wantEnd: true });
  const last = d.total - 1;
  if (last < d.offset + d.lines.length && last >= d.offset) return moveDrill(d, last, height);
  // The last page, read backward from the end.
  return step({ ...d, selected: last, paging: true, message: null }, {
    type: 'drill-page', seq: d.seq, query: d.query, anchorIndex: d.total,
    request: { anchor: null, inclusive: false, backward: true, limit: PAGE_LINES },
  });
}

export function drillHome(d: DrillState, height: number): DrillStep {
  if (d.offset === 0 || d.total === null) return moveDrill(d, 0, height);
  return step({ ...d, selected: 0, paging: true, message: null }, {
    type: 'drill-page', seq: d.seq, query: d.query, anchorIndex: -1,
    request: { anchor: null, inclusive: false, backward: false, limit: PAGE_LINES },
  });
}

/** n / N (or Enter in the search prompt): the next row containing the term, after the selected one. */
export function findNext(d: DrillState, backward: boolean): DrillStep {
  if (!d.search) return step({ ...d, message: 'no search yet: / to search' });
  const from = d.lines[d.selected - d.offset]?.key ?? null;
  return step({ ...d, searching: true, message: null }, { type: 'drill-find', seq: d.seq, query: d.query, term: d.search, from, backward });
}

export function drillFound(d: DrillState, seq: number, hit: { key: DrillKey; index: number } | null, height: number): DrillStep {
  if (seq !== d.seq) return step(d);
  const done = { ...d, searching: false };
  if (!hit) return step({ ...done, message: `not found: ${d.search ?? ''}` });
  const wrapped = hit.index === d.selected ? 'the only match' : null;
  const loaded = d.lines[hit.index - d.offset];
  if (loaded && loaded.key.k === hit.key.k && loaded.key.sourceId === hit.key.sourceId && loaded.key.lineNo === hit.key.lineNo) {
    return moveDrill({ ...done, message: wrapped }, hit.index, height);
  }
  // Far away: a page that starts at the match.
  return step({ ...done, selected: hit.index, paging: true, message: wrapped }, {
    type: 'drill-page', seq: d.seq, query: d.query, anchorIndex: hit.index,
    request: { anchor: hit.key, inclusive: true, backward: false, limit: PAGE_LINES },
  });
}

export function openPrompt(d: DrillState, kind: 'search' | 'filter'): DrillState {
  // A search starts empty (as in less and vi); a filter shows the one in force, to edit.
  const text = kind === 'search' ? '' : d.query.filter ?? '';
  return { ...d, prompt: { kind, edit: lineEdit(text) }, message: null };
}

/** Enter in the prompt: search from the selection, or apply the filter (a new query: count and first page). */
export function submitPrompt(d: DrillState, nextSeq: number): DrillStep {
  const prompt = d.prompt;
  if (!prompt) return step(d);
  const text = prompt.edit.text.trim();
  const closed = { ...d, prompt: null };
  if (prompt.kind === 'search') return text ? findNext({ ...closed, search: text }, false) : step({ ...closed, search: null });
  return restart(closed, { ...d.query, filter: text || null }, nextSeq);
}

export function toggleOrder(d: DrillState, nextSeq: number): DrillStep {
  return restart(d, { ...d.query, order: d.query.order === 'asc' ? 'desc' : 'asc' }, nextSeq);
}
