import { Box, Text } from 'ink';
import { useTheme } from '../theme.js';

export interface Column {
  readonly title: string;
  /** Fixed width in cells; without it the column takes the room left. */
  readonly width?: number;
  readonly align?: 'left' | 'right';
}

export interface TableProps {
  readonly columns: readonly Column[];
  /** Cells already made safe for the terminal (displayText). */
  readonly rows: readonly (readonly string[])[];
  readonly selected: number;
  /** Rows shown, header excluded. */
  readonly height: number;
  readonly empty?: string;
}

/** The window of rows that keeps the selected one in view. */
export function visibleRange(count: number, selected: number, height: number): [number, number] {
  const h = Math.max(1, height);
  const start = Math.max(0, Math.min(selected - Math.floor(h / 2), count - h));
  return [start, Math.min(count, start + h)];
}

function Cell({ column, text, inverse, bold }: { column: Column; text: string; inverse?: boolean; bold?: boolean }) {
  const fixed = column.width !== undefined;
  return (
    <Box width={column.width} flexGrow={fixed ? 0 : 1} flexShrink={fixed ? 0 : 1} flexBasis={fixed ? undefined : 0} marginRight={1} justifyContent={column.align === 'right' ? 'flex-end' : 'flex-start'}>
      <Text wrap="truncate-end" inverse={inverse} bold={bold}>{text}</Text>
    </Box>
  );
}

export function Table({ columns, rows, selected, height, empty }: TableProps) {
  const theme = useTheme();
  const [start, end] = visibleRange(rows.length, selected, height);
  return (
    <Box flexDirection="column">
      <Box>
        <Box width={2} flexShrink={0}><Text> </Text></Box>
        {columns.map((c) => <Cell key={c.title} column={c} text={c.title} bold />)}
      </Box>
      {rows.length === 0 ? <Text dimColor={theme.dim}>  {empty ?? 'nothing in this window'}</Text> : null}
      {rows.slice(start, end).map((row, i) => {
        const index = start + i;
        const isSelected = index === selected;
        return (
          <Box key={index}>
            <Box width={2} flexShrink={0}><Text color={theme.accent}>{isSelected ? '>' : ' '}</Text></Box>
            {columns.map((c, j) => <Cell key={c.title} column={c} text={row[j] ?? ''} inverse={isSelected} />)}
          </Box>
        );
      })}
    </Box>
  );
}
