import { Box } from 'ink';
import { formatPercent, safe } from '../../format.js';
import { Table } from '../Table.js';
import type { ScreenProps } from './OverviewScreen.js';

export function StickyScreen({ data, selected, height }: ScreenProps) {
  const sticky = data.analysis.sticky;
  return (
    <Box flexDirection="column">
      <Table
        columns={[{ title: 'backend', width: 18 }, { title: 'method', width: 7 }, { title: 'conns', width: 7, align: 'right' }, { title: 'misses', width: 7, align: 'right' }, { title: 'miss', width: 8, align: 'right' }, { title: 'reasons' }]}
        rows={sticky.map((s) => [
          safe(s.backend), s.method, String(s.connections), String(s.misses), formatPercent(s.miss_rate),
          safe(Object.entries(s.reasons).filter(([, n]) => n > 0).map(([k, n]) => `${k.replace(/_/g, ' ')} ${n}`).join(', ')),
        ])}
        selected={selected}
        height={Math.max(1, height - 1)}
        empty="No persistence seen in this window."
      />
    </Box>
  );
}
