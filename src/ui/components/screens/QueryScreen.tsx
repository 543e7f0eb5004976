import { Box, Text } from 'ink';
import { safe } from '../../format.js';
import type { QueryState } from '../../ui-state.js';
import { useTheme } from '../../theme.js';
import { Table } from '../Table.js';

export interface QueryScreenProps {
  readonly query: QueryState;
  readonly selected: number;
  readonly height: number;
}

const cell = (v: unknown): string => (v === null || v === undefined ? 'NULL' : safe(typeof v === 'object' ? JSON.stringify(v) : String(v)));

export function QueryScreen({ query, selected, height }: QueryScreenProps) {
  const theme = useTheme();
  const result = query.result;
  return (
    <Box flexDirection="column">
      <Box borderStyle="single" paddingX={1}>
        <Text color={theme.accent}>SQL&gt; </Text>
        <Box flexGrow={1} flexBasis={0}>
          <Text wrap="truncate-start">{safe(query.text)}{query.editing ? <Text inverse> </Text> : null}</Text>
        </Box>
      </Box>
      {query.running ? <Text>running…</Text> : null}
      {query.error ? <Text wrap="wrap" color={theme.critical}>{safe(query.error)}</Text> : null}
      {result ? (
        <Table
          columns={result.columns.slice(0, 8).map((c) => ({ title: safe(c) }))}
          rows={result.rows.map((r) => result.columns.slice(0, 8).map((c) => cell(r[c])))}
          selected={selected}
          height={Math.max(1, height - 5)}
          empty="no rows"
        />
      ) : (
        <Text dimColor={theme.dim}>Enter to edit, Enter again to run (external access is disabled).</Text>
      )}
      {result ? <Text dimColor={theme.dim}>{result.rows.length} row(s){result.columns.length > 8 ? `, first 8 of ${result.columns.length} columns` : ''}</Text> : null}
    </Box>
  );
}
