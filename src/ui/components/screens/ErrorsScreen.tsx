import { Box, Text } from 'ink';
import { formatTime, safe } from '../../format.js';
import { Table } from '../Table.js';
import type { ScreenProps } from './OverviewScreen.js';

export function ErrorsScreen({ data, selected, height, timeZone = 'UTC' }: ScreenProps) {
  const errors = data.analysis.errors;
  const e = errors[selected];
  return (
    <Box flexDirection="column">
      <Table
        columns={[{ title: 'status', width: 6 }, { title: 'cause', width: 20 }, { title: 'backend/server' }, { title: 'count', width: 7, align: 'right' }, { title: 'last', width: 19 }]}
        rows={errors.map((x) => [String(x.status ?? '-'), safe(x.cause), safe(`${x.backend ?? '?'}/${x.server ?? '?'}`), String(x.count), formatTime(x.last, timeZone)])}
        selected={selected}
        height={Math.max(1, height - 6)}
        empty="No failed session in this window."
      />
      {e ? (
        <Box flexDirection="column" marginTop={1}>
          <Text wrap="truncate-end">terminations {safe(e.terminations.join(', '))} · confidence {safe(e.confidence)}</Text>
          {e.evidence.slice(0, 2).map((line, i) => <Text key={i} wrap="truncate-end">e.g. {safe(line)}</Text>)}
          <Text wrap="truncate-end">→ {safe(e.advice)}</Text>
        </Box>
      ) : null}
    </Box>
  );
}
