import { Box, Text } from 'ink';
import { formatCount, formatDuration, formatRate, safe } from '../format.js';
import type { ScreenData } from '../../diagnose/screen-data.js';
import { formatSpan } from '../../text/format-time.js';
import { useTheme } from '../theme.js';
import { accountingShort } from '../../diagnose/scope-text.js';

export interface StatusLineProps {
  readonly title: string;
  readonly data: ScreenData | null;
  readonly paused: boolean;
  readonly error: string | null;
  /** The zone the log's times are shown in (--tz). */
  readonly timeZone: string;
}

/**
 * One line, most important first (a narrow terminal cuts the end): what is shown, the span of log time on screen
 * in the --tz zone with its name, the lag behind the input, the rates.
 */
export function statusText({ title, data, timeZone }: Pick<StatusLineProps, 'title' | 'data' | 'timeZone'>): string {
  const live = data?.live ?? null;
  const s = data?.analysis.summary;
  const parts = [title];
  // Early, so that a narrow terminal still shows it: the screens cover less than the window asked for.
  if (live?.heldMs != null) parts.push(`only the last ${formatDuration(live.heldMs)} held (row budget)`);
  if (s) parts.push(`log time ${formatSpan(data?.since ?? s.from, s.to, timeZone)}`);
  if (live) {
    parts.push(`lag ${formatDuration(live.lagMs)}`, `${formatRate(live.linesPerSecond)} lines/s`);
    if (live.ended) parts.push('input ended');
  }
  if (s) parts.push(`${formatCount(s.sessions)} sessions`);
  // The accounting, so that the figures can be reconciled: the live follower's as it reads, else the stored runs'.
  const accounting = live ? live.accounting : s?.accounting;
  if (accounting) parts.push(accountingShort(accounting));
  return parts.join(' · ');
}

export function StatusLine(props: StatusLineProps) {
  const theme = useTheme();
  const { data, paused, error } = props;
  return (
    <Box height={1} overflow="hidden">
      <Box flexGrow={1} flexBasis={0}><Text wrap="truncate-end" dimColor={theme.dim}>{safe(statusText(props))}</Text></Box>
      {error ? <Box flexShrink={1}><Text wrap="truncate-end" color={theme.critical}>{safe(error)}</Text></Box> : null}
      {paused ? <Box flexShrink={0} marginLeft={1}><Text inverse color={theme.warning}> PAUSED </Text></Box> : null}
      {!data ? <Box flexShrink={0} marginLeft={1}><Text>loading…</Text></Box> : null}
    </Box>
  );
}
