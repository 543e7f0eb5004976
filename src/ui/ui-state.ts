/**
 * All the screens' state, in one pure reducer: keys come in as actions and act one after the other on the latest
 * state (two keys in one read — Up then Enter — open the row the Up selected). Work that needs the database or
 * the terminal (a page of lines, typed SQL, quitting) leaves the reducer as requests, which a hook sends and whose
 * answers come back as actions. Components render the state; they hold none.
 */
import type { QueryResult } from '../store/database.js';
import type { DrillKey, DrillLine, DrillPageRequest, ScreenData } from '../diagnose/screen-data.js';
import {
  drillCounted, drillEnd, drillFailed, drillFound, drillHome, drillPaged, findNext, moveDrill, openDrill, openPrompt,
  submitPrompt, toggleOrder, type DrillRequest, type DrillState, type DrillStep,
} from './drill-state.js';
import { findBinding, type KeyAction, type KeyEvent, type KeyMode } from './key-bindings.js';
import { applyLineEdit, insertText, lineEdit, type LineEdit } from './line-editor.js';
import { drillTarget, drillTitle, findingLink, rowCount, SCREENS, tunnelRows, type ScreenId } from './screens.js';

export interface QueryState {
  readonly edit: LineEdit;
  readonly editing: boolean;
  readonly running: boolean;
  readonly result: QueryResult | null;
  readonly error: string | null;
  /** SQL run before, oldest first (↑/↓ in the field). */
  readonly history: readonly string[];
  /** Where ↑/↓ stand in the history (null: the line being typed). */
  readonly historyAt: number | null;
  /** The line being typed, kept while ↑/↓ show older ones. */
  readonly draft: string;
}

export type Request = (DrillRequest | { readonly type: 'run-sql'; readonly sql: string } | { readonly type: 'quit' }) & { readonly id?: number };

export interface UiState {
  readonly screen: ScreenId;
  readonly selected: Readonly<Record<ScreenId, number>>;
  readonly paused: boolean;
  readonly data: ScreenData | null;
  readonly loadError: string | null;
  readonly drill: DrillState | null;
  /** The last drill-down's sequence number (each new query gets the next). */
  readonly drillSeq: number;
  readonly query: QueryState;
  /** The backend whose servers the Tunnels screen lists under it (Enter). */
  readonly opened: string | null;
  readonly help: { readonly scroll: number } | null;
  /** Rows the body holds (page up/down, and what a drill-down must have loaded). */
  readonly pageRows: number;
  /** Requests not yet taken by the hook, in order, each with its id. */
  readonly requests: readonly (Request & { readonly id: number })[];
  readonly nextRequest: number;
}

export type UiAction =
  | { readonly type: 'key'; readonly event: KeyEvent }
  | { readonly type: 'loaded'; readonly data: ScreenData }
  | { readonly type: 'load-failed'; readonly message: string }
  | { readonly type: 'drill-counted'; readonly seq: number; readonly total: number }
  | { readonly type: 'drill-paged'; readonly seq: number; readonly lines: readonly DrillLine[]; readonly anchorIndex: number; readonly request: DrillPageRequest }
  | { readonly type: 'drill-found'; readonly seq: number; readonly hit: { readonly key: DrillKey; readonly index: number } | null }
  | { readonly type: 'drill-failed'; readonly seq: number; readonly message: string }
  | { readonly type: 'query-done'; readonly result: QueryResult }
  | { readonly type: 'query-failed'; readonly message: string }
  | { readonly type: 'requests-taken'; readonly upTo: number }
  | { readonly type: 'page-rows'; readonly rows: number };

const ZERO = Object.fromEntries(SCREENS.map((s) => [s.id, 0])) as Record<ScreenId, number>;
export const DEFAULT_SQL = 'SELECT backend, status, termination, count(*) AS n FROM sessions GROUP BY ALL ORDER BY n DESC';

export function initialState(data: ScreenData | null = null): UiState {
  return {
    screen: 'overview', selected: ZERO, paused: false, data, loadError: null, drill: null, drillSeq: 0, opened: null, help: null,
    query: { edit: lineEdit(DEFAULT_SQL), editing: false, running: false, result: null, error: null, history: [], historyAt: null, draft: '' },
    pageRows: 10, requests: [], nextRequest: 1,
  };
}

/** Which part of the keyboard map is in force. */
export function keyMode(state: UiState): KeyMode {
  if (state.help) return 'help';
  if (state.drill) return state.drill.prompt ? 'prompt' : 'drill';
  return state.screen === 'query' && state.query.editing ? 'edit' : 'browse';
}

const clamp = (n: number, count: number): number => Math.max(0, Math.min(n, count - 1));
const rows = (state: UiState, screen: ScreenId = state.screen): number =>
  rowCount(screen, state.data, state.query.result?.rows.length ?? 0, state.opened);

function clampAll(state: UiState): UiState {
  const selected = { ...state.selected };
  for (const s of SCREENS) selected[s.id] = clamp(selected[s.id], rows(state, s.id));
  return { ...state, selected };
}

function withRequests(state: UiState, ...requests: Request[]): UiState {
  if (requests.length === 0) return state;
  let id = state.nextRequest;
  return { ...state, requests: [...state.requests, ...requests.map((r) => ({ ...r, id: id++ }))], nextRequest: id };
}

function withDrill(state: UiState, s: DrillStep): UiState {
  return withRequests({ ...state, drill: s.drill, drillSeq: Math.max(state.drillSeq, s.drill.seq) }, ...s.requests);
}

function select(state: UiState, to: number): UiState {
  return { ...state, selected: { ...state.selected, [state.screen]: clamp(to, rows(state)) } };
}

function move(state: UiState, by: number | 'home' | 'end'): UiState {
  const d = state.drill;
  if (d) {
    if (by === 'home') return withDrill(state, drillHome(d, state.pageRows));
    if (by === 'end') return withDrill(state, drillEnd(d, state.pageRows));
    return withDrill(state, moveDrill(d, d.selected + by, state.pageRows));
  }
  if (state.help) {
    const scroll = by === 'home' ? 0 : by === 'end' ? Number.MAX_SAFE_INTEGER : Math.max(0, state.help.scroll + by);
    return { ...state, help: { scroll } };
  }
  if (by === 'home') return select(state, 0);
  if (by === 'end') return select(state, rows(state) - 1);
  return select(state, state.selected[state.screen] + by);
}

function drill(state: UiState, target: ReturnType<typeof drillTarget>): UiState {
  if (!target) return state;
  const seq = state.drillSeq + 1;
  return withDrill(state, openDrill({ target, since: state.data?.since ?? null, order: 'asc', filter: null }, drillTitle(target), seq));
}

/** Enter in browse mode: what the row leads to on this screen. */
function enter(state: UiState): UiState {
  const index = state.selected[state.screen];
  if (state.screen === 'query') return { ...state, query: { ...state.query, editing: true, historyAt: null } };
  if (state.screen === 'overview') {
    const f = state.data?.analysis.findings[index];
    const link = f && state.data ? findingLink(f, state.data) : null;
    if (!link) return state;
    // The finding's screen, with its row selected, is where Esc returns from the evidence.
    const there = { ...state, screen: link.screen, selected: { ...state.selected, [link.screen]: link.index } };
    return link.target ? drill(there, link.target) : there;
  }
  if (state.screen === 'tunnels' && state.data) {
    const row = tunnelRows(state.data, state.opened)[index];
    if (row?.level === 'backend') return { ...state, opened: state.opened === row.backend ? null : row.backend };
  }
  return drill(state, drillTarget(state.screen, state.data, index, state.opened));
}

function runQuery(state: UiState): UiState {
  const sql = state.query.edit.text.trim();
  const q = state.query;
  if (!sql) return { ...state, query: { ...q, editing: false } };
  const history = q.history[q.history.length - 1] === sql ? q.history : [...q.history, sql].slice(-100);
  return withRequests({ ...state, query: { ...q, running: true, editing: false, error: null, history, historyAt: null, draft: '' } }, { type: 'run-sql', sql });
}

function historyStep(q: QueryState, by: -1 | 1): QueryState {
  if (q.history.length === 0) return q;
  const at = q.historyAt ?? q.history.length;
  const next = Math.max(0, Math.min(q.history.length, at + by));
  if (next === at) return q;
  const draft = q.historyAt === null ? q.edit.text : q.draft;
  if (next === q.history.length) return { ...q, historyAt: null, edit: lineEdit(draft), draft: '' };
  return { ...q, historyAt: next, edit: lineEdit(q.history[next]!), draft };
}

function editField(state: UiState, change: (e: LineEdit) => LineEdit): UiState {
  const d = state.drill;
  if (d?.prompt) return { ...state, drill: { ...d, prompt: { ...d.prompt, edit: change(d.prompt.edit) } } };
  return { ...state, query: { ...state.query, edit: change(state.query.edit) } };
}

/** The horizontal step of ←/→ on raw lines. */
const SCROLL_STEP = 20;

function act(state: UiState, action: KeyAction): UiState {
  const d = state.drill;
  switch (action.type) {
    case 'quit': return withRequests(state, { type: 'quit' });
    case 'screen': return { ...state, screen: action.screen };
    case 'next-screen':
    case 'prev-screen': {
      const i = SCREENS.findIndex((s) => s.id === state.screen);
      const by = action.type === 'next-screen' ? 1 : -1;
      return { ...state, screen: SCREENS[(i + by + SCREENS.length) % SCREENS.length]!.id };
    }
    case 'up': return move(state, -1);
    case 'down': return move(state, 1);
    case 'page-up': return move(state, -Math.max(1, state.pageRows - 1));
    case 'page-down': return move(state, Math.max(1, state.pageRows - 1));
    case 'home': return move(state, 'home');
    case 'end': return move(state, 'end');
    case 'enter': return enter(state);
    case 'back': return state.help ? { ...state, help: null } : { ...state, drill: null };
    case 'pause': return { ...state, paused: !state.paused };
    case 'help': return { ...state, help: state.help ? null : { scroll: 0 } };
    case 'search': return d ? { ...state, drill: openPrompt(d, 'search') } : state;
    case 'filter': return d ? { ...state, drill: openPrompt(d, 'filter') } : state;
    case 'search-next': return d ? withDrill(state, findNext(d, false)) : state;
    case 'search-prev': return d ? withDrill(state, findNext(d, true)) : state;
    case 'sort': return d ? withDrill(state, toggleOrder(d, state.drillSeq + 1)) : state;
    case 'scroll-left': return d ? { ...state, drill: { ...d, scroll: Math.max(0, d.scroll - SCROLL_STEP) } } : state;
    case 'scroll-right': return d ? { ...state, drill: { ...d, scroll: d.scroll + SCROLL_STEP } } : state;
    case 'submit':
      if (d?.prompt) return withDrill(state, submitPrompt(d, state.drillSeq + 1));
      return runQuery(state);
    case 'cancel':
      if (d?.prompt) return { ...state, drill: { ...d, prompt: null } };
      return { ...state, query: { ...state.query, editing: false } };
    case 'history-prev': return { ...state, query: historyStep(state.query, -1) };
    case 'history-next': return { ...state, query: historyStep(state.query, 1) };
    case 'line-edit': return editField(state, (e) => applyLineEdit(e, action.op));
  }
}

function key(state: UiState, event: KeyEvent): UiState {
  const mode = keyMode(state);
  const binding = findBinding(mode, state.screen, event);
  if (binding) return act(state, binding.action);
  // A field owns the keyboard: every other character is text, never a command.
  if ((mode === 'edit' || mode === 'prompt') && event.input && !event.key.ctrl && !event.key.meta) return editField(state, (e) => insertText(e, event.input));
  return state;
}

const mapDrill = (state: UiState, f: (d: DrillState) => DrillStep): UiState => (state.drill ? withDrill(state, f(state.drill)) : state);

export function uiReducer(state: UiState, action: UiAction): UiState {
  switch (action.type) {
    case 'key':
      return key(state, action.event);
    case 'loaded':
      // Paused: the screen stays as it is (ingest goes on underneath).
      return state.paused ? state : clampAll({ ...state, data: action.data, loadError: null });
    case 'load-failed':
      return { ...state, loadError: action.message };
    case 'drill-counted':
      return mapDrill(state, (d) => drillCounted(d, action.seq, action.total, state.pageRows));
    case 'drill-paged':
      return mapDrill(state, (d) => drillPaged(d, action.seq, action.lines, action.anchorIndex, action.request, state.pageRows));
    case 'drill-found':
      return mapDrill(state, (d) => drillFound(d, action.seq, action.hit, state.pageRows));
    case 'drill-failed':
      return state.drill ? { ...state, drill: drillFailed(state.drill, action.seq, action.message) } : state;
    case 'query-done':
      return clampAll({ ...state, query: { ...state.query, running: false, result: action.result, error: null } });
    case 'query-failed':
      return { ...state, query: { ...state.query, running: false, error: action.message } };
    case 'requests-taken':
      return { ...state, requests: state.requests.filter((r) => r.id > action.upTo) };
    case 'page-rows':
      return state.drill ? mapDrill({ ...state, pageRows: action.rows }, (d) => moveDrill(d, d.selected, action.rows)) : { ...state, pageRows: action.rows };
  }
}
