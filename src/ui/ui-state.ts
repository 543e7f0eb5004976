/** All the screens' state, in one reducer: components render it, hooks feed it actions. */
import type { QueryResult } from '../store/database.js';
import type { DrillResult, ScreenData } from '../diagnose/screen-data.js';
import { SCREENS, rowCount, type ScreenId } from './screens.js';

export interface QueryState {
  readonly text: string;
  readonly editing: boolean;
  readonly running: boolean;
  readonly result: QueryResult | null;
  readonly error: string | null;
}

export interface DrillState {
  readonly loading: boolean;
  readonly result: DrillResult | null;
  readonly error: string | null;
  readonly selected: number;
}

export interface UiState {
  readonly screen: ScreenId;
  readonly selected: Readonly<Record<ScreenId, number>>;
  readonly paused: boolean;
  readonly data: ScreenData | null;
  readonly loadError: string | null;
  readonly drill: DrillState | null;
  readonly query: QueryState;
  /** Rows a page holds (page up/down), from the terminal height. */
  readonly pageRows: number;
}

export type UiAction =
  | { readonly type: 'screen'; readonly screen: ScreenId }
  | { readonly type: 'step-screen'; readonly by: 1 | -1 }
  | { readonly type: 'move'; readonly by: number }
  | { readonly type: 'toggle-pause' }
  | { readonly type: 'loaded'; readonly data: ScreenData }
  | { readonly type: 'load-failed'; readonly message: string }
  | { readonly type: 'drill-start' }
  | { readonly type: 'drill-done'; readonly result: DrillResult }
  | { readonly type: 'drill-failed'; readonly message: string }
  | { readonly type: 'drill-close' }
  | { readonly type: 'query-edit'; readonly editing: boolean }
  | { readonly type: 'query-text'; readonly text: string }
  | { readonly type: 'query-type'; readonly text: string }
  | { readonly type: 'query-backspace' }
  | { readonly type: 'query-start' }
  | { readonly type: 'query-done'; readonly result: QueryResult }
  | { readonly type: 'query-failed'; readonly message: string }
  | { readonly type: 'page-rows'; readonly rows: number };

const ZERO = Object.fromEntries(SCREENS.map((s) => [s.id, 0])) as Record<ScreenId, number>;

export function initialState(data: ScreenData | null = null): UiState {
  return {
    screen: 'overview', selected: ZERO, paused: false, data, loadError: null, drill: null,
    query: { text: 'SELECT backend, status, termination, count(*) AS n FROM sessions GROUP BY ALL ORDER BY n DESC', editing: false, running: false, result: null, error: null },
    pageRows: 10,
  };
}

const clamp = (n: number, count: number): number => Math.max(0, Math.min(n, count - 1));

function clampAll(state: UiState): UiState {
  const selected = { ...state.selected };
  for (const s of SCREENS) selected[s.id] = clamp(selected[s.id], rowCount(s.id, state.data, state.query.result?.rows.length ?? 0));
  return { ...state, selected };
}

export function uiReducer(state: UiState, action: UiAction): UiState {
  switch (action.type) {
    case 'screen':
      return { ...state, screen: action.screen };
    case 'step-screen': {
      const i = SCREENS.findIndex((s) => s.id === state.screen);
      const next = SCREENS[(i + action.by + SCREENS.length) % SCREENS.length]!;
      return { ...state, screen: next.id };
    }
    case 'move': {
      if (state.drill) {
        const count = state.drill.result?.lines.length ?? 0;
        return { ...state, drill: { ...state.drill, selected: clamp(state.drill.selected + action.by, count) } };
      }
      const count = rowCount(state.screen, state.data, state.query.result?.rows.length ?? 0);
      return { ...state, selected: { ...state.selected, [state.screen]: clamp(state.selected[state.screen] + action.by, count) } };
    }
    case 'toggle-pause':
      return { ...state, paused: !state.paused };
    case 'loaded':
      // Paused: the screen stays as it is (ingest goes on underneath).
      return state.paused ? state : clampAll({ ...state, data: action.data, loadError: null });
    case 'load-failed':
      return { ...state, loadError: action.message };
    case 'drill-start':
      return { ...state, drill: { loading: true, result: null, error: null, selected: 0 } };
    case 'drill-done':
      return state.drill ? { ...state, drill: { ...state.drill, loading: false, result: action.result } } : state;
    case 'drill-failed':
      return state.drill ? { ...state, drill: { ...state.drill, loading: false, error: action.message } } : state;
    case 'drill-close':
      return { ...state, drill: null };
    case 'query-edit':
      return { ...state, query: { ...state.query, editing: action.editing } };
    case 'query-text':
      return { ...state, query: { ...state.query, text: action.text } };
    case 'query-type':
      return { ...state, query: { ...state.query, text: state.query.text + action.text } };
    case 'query-backspace':
      return { ...state, query: { ...state.query, text: state.query.text.slice(0, -1) } };
    case 'query-start':
      return { ...state, query: { ...state.query, running: true, editing: false, error: null } };
    case 'query-done':
      return clampAll({ ...state, query: { ...state.query, running: false, result: action.result, error: null } });
    case 'query-failed':
      return { ...state, query: { ...state.query, running: false, error: action.message } };
    case 'page-rows':
      return { ...state, pageRows: action.rows };
  }
}
