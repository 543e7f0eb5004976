import { Box, Text } from 'ink';
import { safe } from '../format.js';
import type { DrillState } from '../ui-state.js';
import { useTheme } from '../theme.js';
import { Table } from './Table.js';

/** The raw lines behind a row (Enter), exactly as logged but escaped. */
export function DrillView({ drill, height }: { readonly drill: DrillState; readonly height: number }) {
  const theme = useTheme();
  if (drill.loading) return <Text>loading raw lines…</Text>;
  if (drill.error) return <Text color={theme.critical}>{safe(drill.error)}</Text>;
  const result = drill.result;
  if (!result) return null;
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">{safe(result.title)} — {result.lines.length} line(s)</Text>
      <Table
        columns={[{ title: 'src:line', width: 10 }, { title: 'raw line' }]}
        rows={result.lines.map((l) => [`${l.sourceId}:${l.lineNo}`, safe(l.text)])}
        selected={drill.selected}
        height={Math.max(1, height - 4)}
        empty="no stored line (clean sessions keep no raw line)"
      />
      {result.lines[drill.selected] ? <Box height={3} overflow="hidden"><Text wrap="wrap">{safe(result.lines[drill.selected]!.text)}</Text></Box> : null}
    </Box>
  );
}
