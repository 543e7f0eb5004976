import { useApp } from 'ink';
import { useEffect, useRef, type Dispatch } from 'react';
import type { ScreenSource } from '../../diagnose/screen-data.js';
import type { UiAction, UiState } from '../ui-state.js';

const firstLine = (error: unknown): string => ((error as Error).message ?? String(error)).split('\n')[0] ?? '';

/** Sends the reducer's requests (pages of lines, searches, typed SQL, quit) and feeds the answers back as actions. */
export function useRequests(requests: UiState['requests'], dispatch: Dispatch<UiAction>, source: ScreenSource): void {
  const { exit } = useApp();
  const sent = useRef(0);
  useEffect(() => {
    const fresh = requests.filter((r) => r.id > sent.current);
    if (fresh.length === 0) return;
    sent.current = fresh[fresh.length - 1]!.id;
    for (const r of fresh) {
      switch (r.type) {
        case 'quit':
          exit();
          break;
        case 'run-sql':
          source.runSql(r.sql).then(
            (result) => dispatch({ type: 'query-done', result }),
            (error: unknown) => dispatch({ type: 'query-failed', message: firstLine(error) }),
          );
          break;
        case 'drill-count':
          source.drillCount(r.query).then(
            (total) => dispatch({ type: 'drill-counted', seq: r.seq, total }),
            (error: unknown) => dispatch({ type: 'drill-failed', seq: r.seq, message: firstLine(error) }),
          );
          break;
        case 'drill-page':
          source.drillPage(r.query, r.request).then(
            (lines) => dispatch({ type: 'drill-paged', seq: r.seq, lines, anchorIndex: r.anchorIndex, request: r.request }),
            (error: unknown) => dispatch({ type: 'drill-failed', seq: r.seq, message: firstLine(error) }),
          );
          break;
        case 'drill-find':
          source.drillFind(r.query, { term: r.term, from: r.from, backward: r.backward }).then(
            (hit) => dispatch({ type: 'drill-found', seq: r.seq, hit }),
            (error: unknown) => dispatch({ type: 'drill-failed', seq: r.seq, message: firstLine(error) }),
          );
          break;
      }
    }
    dispatch({ type: 'requests-taken', upTo: sent.current });
  }, [requests, dispatch, source, exit]);
}
