import { Box } from 'ink';
import { formatTime, safe } from '../../format.js';
import { Table } from '../Table.js';
import type { ScreenProps } from './OverviewScreen.js';

const text = (v: unknown): string => (v === null || v === undefined ? '' : safe(String(v)));

export function EventsScreen({ data, selected, height, timeZone = 'UTC' }: ScreenProps) {
  const events = data.analysis.events;
  return (
    <Box flexDirection="column">
      <Table
        columns={[{ title: 'time', width: 19 }, { title: 'kind', width: 14 }, { title: 'proxy/server', width: 16 }, { title: 'message' }]}
        rows={events.map((e) => [
          formatTime(e['ts'], timeZone), text(e['kind']),
          text([e['proxy'], e['server']].filter((x) => x !== null && x !== undefined).join('/')), text(e['message']),
        ])}
        selected={selected}
        height={Math.max(1, height - 1)}
        empty="No HAProxy event in this window."
      />
    </Box>
  );
}
