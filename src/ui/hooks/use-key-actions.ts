import { useApp, useInput } from 'ink';
import { useCallback, type Dispatch } from 'react';
import { findBinding, type KeyAction, type KeyMode } from '../key-bindings.js';
import type { ScreenSource } from '../../diagnose/screen-data.js';
import { drillTarget } from '../screens.js';
import type { UiAction, UiState } from '../ui-state.js';

const firstLine = (error: unknown): string => ((error as Error).message ?? String(error)).split('\n')[0] ?? '';

/** Keys → actions through the binding table; actions with effects (drill, SQL, quit) are run here. */
export function useKeyActions(state: UiState, dispatch: Dispatch<UiAction>, source: ScreenSource, mode: KeyMode): void {
  const { exit } = useApp();
  const perform = useCallback((action: KeyAction): void => {
    switch (action.type) {
      case 'quit': exit(); return;
      case 'screen': dispatch({ type: 'screen', screen: action.screen }); return;
      case 'next-screen': dispatch({ type: 'step-screen', by: 1 }); return;
      case 'prev-screen': dispatch({ type: 'step-screen', by: -1 }); return;
      case 'up': dispatch({ type: 'move', by: -1 }); return;
      case 'down': dispatch({ type: 'move', by: 1 }); return;
      case 'page-up': dispatch({ type: 'move', by: -state.pageRows }); return;
      case 'page-down': dispatch({ type: 'move', by: state.pageRows }); return;
      case 'pause': dispatch({ type: 'toggle-pause' }); return;
      case 'edit-query': dispatch({ type: 'query-edit', editing: true }); return;
      case 'back':
        if (mode === 'edit') dispatch({ type: 'query-edit', editing: false });
        else dispatch({ type: 'drill-close' });
        return;
      case 'drill': {
        const target = drillTarget(state.screen, state.data, state.selected[state.screen]);
        if (!target) return;
        dispatch({ type: 'drill-start' });
        source.drill(target).then(
          (result) => dispatch({ type: 'drill-done', result }),
          (error: unknown) => dispatch({ type: 'drill-failed', message: firstLine(error) }),
        );
        return;
      }
      case 'run-query': {
        const sql = state.query.text.trim();
        if (!sql) return;
        dispatch({ type: 'query-start' });
        source.runSql(sql).then(
          (result) => dispatch({ type: 'query-done', result }),
          (error: unknown) => dispatch({ type: 'query-failed', message: firstLine(error) }),
        );
        return;
      }
    }
  }, [state, dispatch, source, mode, exit]);

  useInput((input, key) => {
    const binding = findBinding(mode, state.screen, input, key);
    if (binding) perform(binding.action);
  });

  // Typing SQL: only while editing; Enter, Esc and Ctrl-C are bindings above.
  useInput((input, key) => {
    if (key.return || key.escape || key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return;
    if (key.backspace || key.delete) {
      dispatch({ type: 'query-backspace' });
      return;
    }
    // A burst (paste, or keys typed faster than a render) comes as one string: take it character by character.
    let text = '';
    for (const ch of input) {
      if (ch === '\x7f' || ch === '\b') {
        if (text) text = text.slice(0, -1);
        else dispatch({ type: 'query-backspace' });
      } else if (ch === '\r' || ch === '\n' || ch === '\t') text += ' ';
      // eslint-disable-next-line no-control-regex
      else if (!/[\x00-\x1f\x7f-\x9f]/.test(ch)) text += ch;
    }
    if (text) dispatch({ type: 'query-type', text });
  }, { isActive: mode === 'edit' });
}
