/** The layout: tabs, the current screen (or the raw lines behind a row), the status line and the help bar. */
import { Box, Text } from 'ink';
import { useEffect, useReducer } from 'react';
import { DrillView } from './components/DrillView.js';
import { HelpBar } from './components/HelpBar.js';
import { DisconnectsScreen } from './components/screens/DisconnectsScreen.js';
import { ErrorsScreen } from './components/screens/ErrorsScreen.js';
import { EventsScreen } from './components/screens/EventsScreen.js';
import { OverviewScreen, type ScreenProps } from './components/screens/OverviewScreen.js';
import { QueryScreen } from './components/screens/QueryScreen.js';
import { RejectsScreen } from './components/screens/RejectsScreen.js';
import { StickyScreen } from './components/screens/StickyScreen.js';
import { TunnelsScreen } from './components/screens/TunnelsScreen.js';
import { StatusLine } from './components/StatusLine.js';
import { Tabs } from './components/Tabs.js';
import { useKeyActions } from './hooks/use-key-actions.js';
import { useScreenData } from './hooks/use-screen-data.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import type { KeyMode } from './key-bindings.js';
import type { ScreenData, ScreenSource } from '../diagnose/screen-data.js';
import type { ScreenId } from './screens.js';
import { COLOR_THEME, PLAIN_THEME, ThemeContext } from './theme.js';
import { initialState, uiReducer } from './ui-state.js';

export interface AppProps {
  readonly source: ScreenSource;
  /** Shown in the status line: "live · window 15 min", "archive". */
  readonly title: string;
  readonly color: boolean;
  readonly initialData?: ScreenData | null;
}

const SCREEN_VIEWS: Record<Exclude<ScreenId, 'query'>, (props: ScreenProps) => React.JSX.Element> = {
  overview: OverviewScreen,
  errors: ErrorsScreen,
  disconnects: DisconnectsScreen,
  sticky: StickyScreen,
  tunnels: TunnelsScreen,
  events: EventsScreen,
  rejects: RejectsScreen,
};

/** Lines the tabs, status line and help bar take. */
const CHROME_ROWS = 5;

export function App({ source, title, color, initialData = null }: AppProps) {
  const [state, dispatch] = useReducer(uiReducer, initialData, initialState);
  const { rows } = useTerminalSize();
  const bodyRows = Math.max(4, rows - CHROME_ROWS);
  const mode: KeyMode = state.drill ? 'drill' : state.query.editing ? 'edit' : 'browse';
  useScreenData(source, dispatch, state.paused);
  useKeyActions(state, dispatch, source, mode);
  useEffect(() => dispatch({ type: 'page-rows', rows: Math.max(1, bodyRows - 4) }), [bodyRows]);

  const View = state.screen === 'query' ? null : SCREEN_VIEWS[state.screen];
  let body: React.JSX.Element;
  if (state.drill) body = <DrillView drill={state.drill} height={bodyRows} />;
  else if (state.screen === 'query') body = <QueryScreen query={state.query} selected={state.selected.query} height={bodyRows} />;
  else if (!state.data || !View) body = <Text>{state.loadError ? '' : 'analysing…'}</Text>;
  else body = <View data={state.data} selected={state.selected[state.screen]} height={bodyRows} />;

  return (
    <ThemeContext.Provider value={color ? COLOR_THEME : PLAIN_THEME}>
      <Box flexDirection="column" height={rows}>
        <Tabs screen={state.screen} />
        <Box flexDirection="column" flexGrow={1} height={bodyRows} overflow="hidden" marginTop={1}>{body}</Box>
        <StatusLine title={title} data={state.data} paused={state.paused} error={state.loadError} />
        <HelpBar mode={mode} screen={state.screen} />
      </Box>
    </ThemeContext.Provider>
  );
}
