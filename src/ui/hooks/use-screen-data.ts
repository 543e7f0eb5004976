import { useEffect, type Dispatch } from 'react';
import { nextRunDelay } from '../../ingest/pacing.js';
import type { ScreenSource } from '../screen-data.js';
import type { UiAction } from '../ui-state.js';

/**
 * Loads the screens' data now and then again every refreshMs, or later when a load is slow (nextRunDelay: the
 * screens never take more than a fifth of the store's time from live ingest). Nothing runs while paused.
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
        if (cancelled || source.refreshMs === null) return;
        timer = setTimeout(load, nextRunDelay(Math.max(1000, source.refreshMs), Date.now() - started));
      });
    };
    if (!paused) load();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [source, dispatch, paused]);
}
