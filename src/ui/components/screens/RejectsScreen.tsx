import { Box, Text } from 'ink';
import { formatCount, safe } from '../../format.js';
import { useTheme } from '../../theme.js';
import { Table } from '../Table.js';
import type { ScreenProps } from './OverviewScreen.js';

const text = (v: unknown): string => (v === null || v === undefined ? '' : safe(String(v)));

export function RejectsScreen({ data, selected, height }: ScreenProps) {
  const rejects = data.rejects;
  const r = rejects[selected];
  const theme = useTheme();
  const total = data.analysis.summary.rejects;
  return (
    <Box flexDirection="column">
      <Text dimColor={theme.dim} wrap="truncate-end">
        {total > rejects.length ? `the newest ${formatCount(rejects.length)} of ${formatCount(total)} rejected lines; ` : ''}Enter: every rejected line of that reason
      </Text>
      <Table
        columns={[{ title: 'line', width: 9 }, { title: 'reason', width: 14 }, { title: 'raw' }]}
        rows={rejects.map((x) => [`${text(x['source_id'])}:${text(x['line_no'])}`, text(x['reason']), text(x['raw'])])}
        selected={selected}
        height={Math.max(1, height - 4)}
        empty="No rejected line."
      />
      {r ? <Box marginTop={1}><Text wrap="truncate-end">{text(r['detail'])}</Text></Box> : null}
    </Box>
  );
}
