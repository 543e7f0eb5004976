import { Box, Text } from 'ink';
import { formatDuration, formatRate, safe } from '../format.js';
import type { ScreenData } from '../../diagnose/screen-data.js';
import { useTheme } from '../theme.js';
import { accountingShort } from '../../report/scope-text.js';

export interface StatusLineProps {
  readonly title: string;
  readonly data: ScreenData | null;
  readonly paused: boolean;
  readonly error: string | null;
}

export function StatusLine({ title, data, paused, error }: StatusLineProps) {
  const theme = useTheme();
  const live = data?.live ?? null;
  const s = data?.analysis.summary;
  const parts = [title];
  // First, so that a narrow terminal still shows it: the screens cover less than the window asked for.
  if (live?.heldMs != null) parts.push(`only the last ${formatDuration(live.heldMs)} held (row budget)`);
  if (s) parts.push(`${s.sessions} sessions`);
  // The accounting, so that the figures can be reconciled: the live follower's as it reads, else the stored runs'.
  const accounting = live ? live.accounting : s?.accounting;
  if (accounting) parts.push(accountingShort(accounting));
  if (s) parts.push(`${s.from ?? '-'} … ${s.to ?? '-'}`);
  if (live) {
    parts.push(`${formatRate(live.linesPerSecond)} lines/s`, `lag ${formatDuration(live.lagMs)}`);
    if (live.ended) parts.push('input ended');
  }
  return (
    <Box>
      <Box flexGrow={1} flexBasis={0}><Text wrap="truncate-end" dimColor={theme.dim}>{safe(parts.join(' · '))}</Text></Box>
      {error ? <Box flexShrink={1}><Text wrap="truncate-end" color={theme.critical}>{safe(error)}</Text></Box> : null}
      {paused ? <Box flexShrink={0} marginLeft={1}><Text inverse color={theme.warning}> PAUSED </Text></Box> : null}
      {!data ? <Box flexShrink={0} marginLeft={1}><Text>loading…</Text></Box> : null}
    </Box>
  );
}
