import { Box, Text } from 'ink';
import { formatDuration, safe } from '../../format.js';
import { Table } from '../Table.js';
import type { ScreenProps } from './OverviewScreen.js';

const BAR_WIDTH = 30;

/** A text histogram: one bar per bucket, scaled to the fullest. */
export function histogramBars(histogram: Record<string, number>, width = BAR_WIDTH): { label: string; bar: string; count: number }[] {
  const entries = Object.entries(histogram);
  const max = Math.max(1, ...entries.map(([, n]) => n));
  return entries.map(([label, count]) => ({ label, count, bar: '█'.repeat(count > 0 ? Math.max(1, Math.round((count / max) * width)) : 0) }));
}

export function TunnelsScreen({ data, selected, height }: ScreenProps) {
  const tunnels = data.analysis.tunnels;
  const t = tunnels[selected];
  const bars = t ? histogramBars(t.histogram) : [];
  const tableHeight = Math.max(1, Math.min(tunnels.length || 1, height - bars.length - 3));
  return (
    <Box flexDirection="column">
      <Table
        columns={[{ title: 'backend' }, { title: 'count', width: 7, align: 'right' }, { title: 'p50', width: 8, align: 'right' }, { title: 'p90', width: 8, align: 'right' }, { title: 'p99', width: 8, align: 'right' }, { title: 'max', width: 8, align: 'right' }]}
        rows={tunnels.map((x) => [safe(x.backend), String(x.count), formatDuration(x.p50_ms), formatDuration(x.p90_ms), formatDuration(x.p99_ms), formatDuration(x.max_ms)])}
        selected={selected}
        height={tableHeight}
        empty="No tunnel in this window."
      />
      {t ? (
        <Box flexDirection="column" marginTop={1}>
          {bars.slice(0, Math.max(0, height - tableHeight - 3)).map((b) => (
            <Box key={b.label}>
              <Box width={12} flexShrink={0}><Text wrap="truncate-end">{safe(b.label)}</Text></Box>
              <Box width={BAR_WIDTH + 1} flexShrink={0}><Text>{b.bar}</Text></Box>
              <Text>{b.count}</Text>
            </Box>
          ))}
        </Box>
      ) : null}
    </Box>
  );
}
