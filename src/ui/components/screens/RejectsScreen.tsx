import { Box, Text } from 'ink';
import { safe } from '../../format.js';
import { Table } from '../Table.js';
import type { ScreenProps } from './OverviewScreen.js';

const text = (v: unknown): string => (v === null || v === undefined ? '' : safe(String(v)));

export function RejectsScreen({ data, selected, height }: ScreenProps) {
  const rejects = data.rejects;
  const r = rejects[selected];
  return (
    <Box flexDirection="column">
      <Table
        columns={[{ title: 'line', width: 9 }, { title: 'reason', width: 14 }, { title: 'raw' }]}
        rows={rejects.map((x) => [`${text(x['source_id'])}:${text(x['line_no'])}`, text(x['reason']), text(x['raw'])])}
        selected={selected}
        height={Math.max(1, height - 3)}
        empty="No rejected line."
      />
      {r ? <Box marginTop={1}><Text wrap="truncate-end">{text(r['detail'])}</Text></Box> : null}
    </Box>
  );
}
