/** The layout: tabs, the current screen (or the lines behind a row, or the keys), the status line and the help bar. */
import { Box, Text } from 'ink';
import { useEffect, useReducer } from 'react';
import { DrillView, DRILL_CHROME } from './components/DrillView.js';
import { HelpBar } from './components/HelpBar.js';
import { HelpView } from './components/HelpView.js';
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
import { useKeys } from './hooks/use-keys.js';
import { useRequests } from './hooks/use-requests.js';
import { useScreenData } from './hooks/use-screen-data.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import type { ScreenData, ScreenSource } from '../diagnose/screen-data.js';
import type { ScreenId } from './screens.js';
import { COLOR_THEME, PLAIN_THEME, ThemeContext } from './theme.js';
import { initialState, keyMode, uiReducer } from './ui-state.js';

export interface AppProps {
  readonly source: ScreenSource;
  /** Shown in the status line: "live · window 15m", the archive's name. */
  readonly title: string;
  readonly color: boolean;
  /** The zone log times are shown in (--tz; default this machine's). */
  readonly timeZone?: string;
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

/** Lines the tabs (and the gap under them), the status line and the help bar take. */
const CHROME_ROWS = 4;

export function App({ source, title, color, timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', initialData = null }: AppProps) {
  const [state, dispatch] = useReducer(uiReducer, initialData, initialState);
  const { rows, columns } = useTerminalSize();
  const bodyRows = Math.max(4, rows - CHROME_ROWS);
  const mode = keyMode(state);
  useScreenData(source, dispatch, state.paused);
  useKeys(dispatch);
  useRequests(state.requests, dispatch, source);
  // A drill-down must have loaded the lines its table shows.
  const drillRows = Math.max(1, bodyRows - DRILL_CHROME);
  useEffect(() => dispatch({ type: 'page-rows', rows: drillRows }), [drillRows]);

  const View = state.screen === 'query' ? null : SCREEN_VIEWS[state.screen];
  let body: React.JSX.Element;
  if (state.help) body = <HelpView mode={state.drill ? 'drill' : state.screen === 'query' && state.query.editing ? 'edit' : 'browse'} screen={state.screen} scroll={state.help.scroll} height={bodyRows} />;
  else if (state.drill) body = <DrillView drill={state.drill} height={bodyRows} />;
  else if (state.screen === 'query') body = <QueryScreen query={state.query} selected={state.selected.query} height={bodyRows} width={columns} />;
  else if (!state.data || !View) body = <Text>{state.loadError ? '' : 'analysing…'}</Text>;
  else body = <View data={state.data} selected={state.selected[state.screen]} height={bodyRows} width={columns} opened={state.opened} timeZone={timeZone} />;

  return (
    <ThemeContext.Provider value={color ? COLOR_THEME : PLAIN_THEME}>
      <Box flexDirection="column" height={rows} width={columns}>
        <Tabs screen={state.screen} />
        <Box flexDirection="column" flexGrow={1} height={bodyRows} overflow="hidden" marginTop={1}>{body}</Box>
        <StatusLine title={title} data={state.data} paused={state.paused} error={state.loadError} timeZone={timeZone} />
        <HelpBar mode={mode} screen={state.screen} columns={columns} />
      </Box>
    </ThemeContext.Provider>
  );
}
