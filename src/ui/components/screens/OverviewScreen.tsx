import { Box, Text } from 'ink';
import { formatDuration, formatRate, safe, sparkline } from '../../format.js';
import type { ScreenData } from '../../../diagnose/screen-data.js';
import { useTheme } from '../../theme.js';
import { Table } from '../Table.js';

export interface ScreenProps {
  readonly data: ScreenData;
  readonly selected: number;
  readonly height: number;
}

/** Sparklines shown: the causes with the most 5xx. */
const TIMELINE_ROWS = 3;

export function OverviewScreen({ data, selected, height }: ScreenProps) {
  const theme = useTheme();
  const a = data.analysis;
  const live = data.live;
  const timeline = data.failureTimeline;
  const shown = timeline.causes.slice(0, TIMELINE_ROWS);
  // One scale for every line, so that their heights compare.
  const peak = Math.max(0, ...shown.flatMap((c) => c.perSecond));
  const finding = a.findings[selected];
  const sevColor = { critical: theme.critical, warning: theme.warning, info: undefined } as const;
  return (
    <Box flexDirection="column">
      <Box>
        <Box width={26}><Text>sessions/s <Text bold>{formatRate(data.rates.sessionsPerSecond)}</Text></Text></Box>
        <Box width={26}><Text>upgrades/s <Text bold>{formatRate(data.rates.upgradesPerSecond)}</Text></Text></Box>
        <Box width={22}><Text>rejects <Text bold>{a.summary.rejects}</Text></Text></Box>
        <Box flexGrow={1}><Text>open tunnels <Text bold>{data.openTunnels === null ? '-' : `~${data.openTunnels}`}</Text></Text></Box>
      </Box>
      <Box>
        <Box width={26}><Text>lines/s <Text bold>{live ? formatRate(live.linesPerSecond) : '-'}</Text></Text></Box>
        <Box width={26}><Text>lag <Text bold>{live ? formatDuration(live.lagMs) : '-'}</Text></Text></Box>
        <Box flexGrow={1}><Text>sessions <Text bold>{a.summary.sessions}</Text> upgraded <Text bold>{a.summary.upgrades}</Text></Text></Box>
      </Box>
      {shown.length === 0 ? (
        <Text>5xx/s by cause: none</Text>
      ) : (
        <Box flexDirection="column" flexShrink={0}>
          <Text>5xx/s by cause <Text dimColor={theme.dim}>({formatDuration(timeline.bucketMs)} a column, peak {formatRate(peak)}/s)</Text></Text>
          {shown.map((c) => (
            <Box key={c.cause} flexShrink={0}>
              <Box width={24}><Text wrap="truncate-end">  {safe(c.cause)}</Text></Box>
              <Text color={theme.critical}>{sparkline(c.perSecond, peak)}</Text>
              <Text> {formatRate(c.perSecond[c.perSecond.length - 1] ?? 0)}/s now, {c.total} in all</Text>
            </Box>
          ))}
        </Box>
      )}
      <Box marginTop={1}>
        <Text bold>Top findings</Text>
      </Box>
      <Table
        columns={[{ title: 'severity', width: 9 }, { title: 'finding' }]}
        rows={a.findings.map((f) => [f.severity, safe(f.title)])}
        selected={selected}
        height={Math.max(1, height - 9 - shown.length)}
        empty="No problem found."
      />
      {finding ? (
        <Box flexDirection="column" marginTop={1}>
          <Text wrap="truncate-end" color={sevColor[finding.severity]}>{safe(finding.detail)}</Text>
          <Text wrap="truncate-end">→ {safe(finding.advice)}</Text>
        </Box>
      ) : null}
    </Box>
  );
}
