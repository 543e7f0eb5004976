import { Box, Text } from 'ink';
import { continuousBuckets, timeoutMarks, type Bucket } from '../../../diagnose/duration-buckets.js';
import { formatCount, formatDuration, safe } from '../../format.js';
import { tunnelRows } from '../../screens.js';
import { useTheme } from '../../theme.js';
import { Table } from '../Table.js';
import type { ScreenProps } from './OverviewScreen.js';

const LABEL = 17;
const COUNT = 8;

export const bucketLabel = (b: Bucket): string => `${b.lower ? formatDuration(b.lower) : '0'}–${formatDuration(b.upper)}`;

/** One bar per bucket, scaled to the fullest: at least one cell for a non-empty bucket. */
export function barCells(count: number, max: number, width: number): number {
  return count > 0 ? Math.max(1, Math.round((count / Math.max(1, max)) * width)) : 0;
}

export function TunnelsScreen({ data, selected, height, width, opened = null }: ScreenProps) {
  const theme = useTheme();
  const rows = tunnelRows(data, opened);
  const row = rows[selected];
  const marks = row ? timeoutMarks(row.backend, data.timeouts, data.analysis.disconnects) : [];
  const buckets = row ? continuousBuckets(row.histogram, marks.map((m) => m.ms)) : [];
  const tableHeight = Math.max(1, Math.min(rows.length || 1, Math.floor(height * 0.4)));
  const barWidth = Math.max(8, width - LABEL - COUNT - 4);
  const max = Math.max(1, ...buckets.map((b) => b.count));
  // Histogram lines, each timeout marked after the bucket it falls in.
  const lines: { key: string; node: React.JSX.Element }[] = [];
  for (const b of buckets) {
    lines.push({
      key: `b${b.upper}`,
      node: (
        <Box height={1}>
          <Box width={LABEL} flexShrink={0}><Text wrap="truncate-end">{bucketLabel(b)}</Text></Box>
          <Box width={barWidth + 1} flexShrink={0}><Text color={theme.accent}>{'█'.repeat(barCells(b.count, max, barWidth))}</Text></Box>
          <Text>{b.count ? formatCount(b.count) : ''}</Text>
        </Box>
      ),
    });
    for (const m of marks.filter((x) => x.ms > b.lower && x.ms <= b.upper)) {
      lines.push({
        key: `m${m.label}`,
        node: <Box height={1}><Box width={LABEL} flexShrink={0} /><Text color={theme.critical} wrap="truncate-end">└ {safe(m.label)}</Text></Box>,
      });
    }
  }
  const room = Math.max(0, height - tableHeight - 4);
  return (
    <Box flexDirection="column">
      <Table
        columns={[{ title: 'backend / server' }, { title: 'count', width: 7, align: 'right' }, { title: 'p50', width: 8, align: 'right' }, { title: 'p90', width: 8, align: 'right' }, { title: 'p99', width: 8, align: 'right' }, { title: 'max', width: 8, align: 'right' }]}
        rows={rows.map((x) => [
          x.level === 'backend' ? `${opened === x.backend ? '▾' : '▸'} ${safe(x.backend)}` : `    ${safe(x.server ?? '-')}`,
          formatCount(x.count), formatDuration(x.p50_ms), formatDuration(x.p90_ms), formatDuration(x.p99_ms), formatDuration(x.max_ms),
        ])}
        dim={(i) => rows[i]?.level === 'server'}
        selected={selected}
        height={tableHeight}
        empty="No tunnel in this window."
      />
      {row ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold wrap="truncate-end">Durations of {safe(row.server === null ? row.backend : `${row.backend}/${row.server}`)} <Text bold={false} dimColor={theme.dim}>(tunnels per bucket{marks.length ? '; └ a timeout that ends idle tunnels' : ''})</Text></Text>
          {lines.slice(0, room).map((l) => <Box key={l.key}>{l.node}</Box>)}
          {lines.length > room ? <Text dimColor={theme.dim}>  ↓ {lines.length - room} more buckets</Text> : null}
        </Box>
      ) : null}
    </Box>
  );
}
