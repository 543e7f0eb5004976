import { Box, Text } from 'ink';
import { formatDuration, formatPercent, safe } from '../../format.js';
import { Table } from '../Table.js';
import type { ScreenProps } from './OverviewScreen.js';

export function DisconnectsScreen({ data, selected, height }: ScreenProps) {
  const clusters = data.analysis.disconnects;
  const d = clusters[selected];
  return (
    <Box flexDirection="column">
      <Table
        columns={[{ title: 'backend' }, { title: 'after', width: 8, align: 'right' }, { title: 'count', width: 6, align: 'right' }, { title: 'share', width: 7, align: 'right' }, { title: 'term', width: 4 }, { title: 'timeout matched', width: 24 }]}
        rows={clusters.map((x) => [
          safe(x.backend), formatDuration(x.interval_ms), String(x.count), formatPercent(x.share), safe(x.termination),
          x.timeout ? safe(`${x.timeout.directive} ${formatDuration(x.timeout.value_ms)}`) : safe(x.verdict),
        ])}
        selected={selected}
        height={Math.max(1, height - 5)}
        empty="No tunnels end at a fixed interval in this window."
      />
      {d ? (
        <Box flexDirection="column" marginTop={1}>
          {d.timeout?.where ? <Text wrap="truncate-end">set at {safe(d.timeout.where)}</Text> : null}
          <Text wrap="wrap">→ {safe(d.advice)}</Text>
        </Box>
      ) : null}
    </Box>
  );
}
