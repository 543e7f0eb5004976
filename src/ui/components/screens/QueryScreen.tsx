import { Box, Text } from 'ink';
import { formatCount, safe } from '../../format.js';
import type { QueryState } from '../../ui-state.js';
import { useTheme } from '../../theme.js';
import { Table } from '../Table.js';
import { TextField } from '../TextField.js';

export interface QueryScreenProps {
  readonly query: QueryState;
  readonly selected: number;
  readonly height: number;
  readonly width: number;
}

const cell = (v: unknown): string => (v === null || v === undefined ? 'NULL' : safe(typeof v === 'object' ? JSON.stringify(v) : String(v)));
const COLUMNS = 8;

export function QueryScreen({ query, selected, height, width }: QueryScreenProps) {
  const theme = useTheme();
  const result = query.result;
  return (
    <Box flexDirection="column">
      <Box borderStyle="single" paddingX={1} flexShrink={0}>
        <TextField prompt="SQL> " edit={query.edit} active={query.editing} width={width - 4} />
      </Box>
      <Text dimColor={theme.dim} wrap="truncate-end">
        {query.running ? 'running…' : query.editing ? 'Enter runs · Esc stops editing · ↑/↓ history · ^U ^W ^A ^E' : 'Enter to edit the SQL (file and network access are disabled)'}
      </Text>
      {query.error ? <Text wrap="truncate-end" color={theme.critical}>{safe(query.error)}</Text> : null}
      {result ? (
        <Table
          columns={result.columns.slice(0, COLUMNS).map((c) => ({ title: safe(c) }))}
          rows={result.rows.map((r) => result.columns.slice(0, COLUMNS).map((c) => cell(r[c])))}
          selected={selected}
          height={Math.max(1, height - 6 - (query.error ? 1 : 0))}
          empty="no rows"
        />
      ) : null}
      {result ? <Text dimColor={theme.dim}>{formatCount(result.rows.length)} row(s){result.columns.length > COLUMNS ? `, first ${COLUMNS} of ${result.columns.length} columns` : ''}</Text> : null}
    </Box>
  );
}
