import { useInput } from 'ink';
import { useCallback, type Dispatch } from 'react';
import { decodeKeys } from '../key-bindings.js';
import type { UiAction } from '../ui-state.js';

/**
 * Keys → reducer actions, one per key. The handler holds no state (it never changes, so Ink never swaps it between
 * two keys of one read): the reducer decides what each key means from the state the key before it left.
 */
export function useKeys(dispatch: Dispatch<UiAction>): void {
  const onInput = useCallback((input: string, key: Parameters<Parameters<typeof useInput>[0]>[1]) => {
    for (const event of decodeKeys(input, key)) dispatch({ type: 'key', event });
  }, [dispatch]);
  useInput(onInput);
}
