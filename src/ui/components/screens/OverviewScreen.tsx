import { Box, Text } from 'ink';
import { formatDuration, formatRate, safe } from '../../format.js';
import type { ScreenData } from '../../screen-data.js';
import { useTheme } from '../../theme.js';
import { Table } from '../Table.js';

export interface ScreenProps {
  readonly data: ScreenData;
  readonly selected: number;
  readonly height: number;
}

/** 5xx sessions per cause, most first. */
export function serverErrorsByCause(data: ScreenData): [string, number][] {
  const byCause = new Map<string, number>();
  for (const e of data.analysis.errors) if (e.status !== null && e.status >= 500) byCause.set(e.cause, (byCause.get(e.cause) ?? 0) + e.count);
  return [...byCause].sort((a, b) => b[1] - a[1]);
}

export function OverviewScreen({ data, selected, height }: ScreenProps) {
  const theme = useTheme();
  const a = data.analysis;
  const live = data.live;
  const fiveXX = serverErrorsByCause(data);
  const finding = a.findings[selected];
  const sevColor = { critical: theme.critical, warning: theme.warning, info: undefined } as const;
  return (
    <Box flexDirection="column">
      <Box>
        <Box width={26}><Text>sessions/s <Text bold>{formatRate(data.rates.sessionsPerSecond)}</Text></Text></Box>
        <Box width={26}><Text>upgrades/s <Text bold>{formatRate(data.rates.upgradesPerSecond)}</Text></Text></Box>
        <Box flexGrow={1}><Text>rejects <Text bold>{a.summary.rejects}</Text></Text></Box>
      </Box>
      <Box>
        <Box width={26}><Text>lines/s <Text bold>{live ? formatRate(live.linesPerSecond) : '-'}</Text></Text></Box>
        <Box width={26}><Text>lag <Text bold>{live ? formatDuration(live.lagMs) : '-'}</Text></Text></Box>
        <Box flexGrow={1}><Text>sessions <Text bold>{a.summary.sessions}</Text> upgraded <Text bold>{a.summary.upgrades}</Text></Text></Box>
      </Box>
      <Box>
        <Text wrap="truncate-end">5xx by cause: {fiveXX.length ? safe(fiveXX.map(([c, n]) => `${c} ${n}`).join(', ')) : 'none'}</Text>
      </Box>
      <Box marginTop={1}>
        <Text bold>Top findings</Text>
      </Box>
      <Table
        columns={[{ title: 'severity', width: 9 }, { title: 'finding' }]}
        rows={a.findings.map((f) => [f.severity, safe(f.title)])}
        selected={selected}
        height={Math.max(1, height - 9)}
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
