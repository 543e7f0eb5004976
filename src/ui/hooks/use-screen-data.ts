import { useEffect, type Dispatch } from 'react';
import type { ScreenSource } from '../../diagnose/screen-data.js';
import type { UiAction } from '../ui-state.js';

/**
 * Loads the screens' data now and then again when the source says (live: every second, or later when a load is
 * slow, so the screens never starve the ingest). Nothing runs while paused.
 */
export function useScreenData(source: ScreenSource, dispatch: Dispatch<UiAction>, paused: boolean): void {
  useEffect(() => {
    let cancelled = false;
    let timer: NodeJS.Timeout | undefined;
    const load = (): void => {
      const started = Date.now();
      source.load().then(
        (data) => { if (!cancelled) dispatch({ type: 'loaded', data }); },
        (error: unknown) => { if (!cancelled) dispatch({ type: 'load-failed', message: (error as Error).message.split('\n')[0] ?? String(error) }); },
      ).finally(() => {
        const delay = cancelled ? null : source.nextRefreshMs(Date.now() - started);
        if (delay !== null) timer = setTimeout(load, delay);
      });
    };
    if (!paused) load();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [source, dispatch, paused]);
}
