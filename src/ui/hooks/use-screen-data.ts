import { useEffect, type Dispatch } from 'react';
import type { ScreenSource } from '../screen-data.js';
import type { UiAction } from '../ui-state.js';

/** Loads the screens' data now and every refreshMs (skipped while paused or while a load is still running). */
export function useScreenData(source: ScreenSource, dispatch: Dispatch<UiAction>, paused: boolean): void {
  useEffect(() => {
    let cancelled = false;
    let running = false;
    const load = (): void => {
      if (running) return;
      running = true;
      source.load().then(
        (data) => { if (!cancelled) dispatch({ type: 'loaded', data }); },
        (error: unknown) => { if (!cancelled) dispatch({ type: 'load-failed', message: (error as Error).message.split('\n')[0] ?? String(error) }); },
      ).finally(() => { running = false; });
    };
    if (!paused) load();
    if (source.refreshMs === null || paused) return () => { cancelled = true; };
    const timer = setInterval(load, Math.max(1000, source.refreshMs));
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [source, dispatch, paused]);
}
