import { Box, Text } from 'ink';
import { useTheme } from '../theme.js';
import { visibleWindow } from '../drill-state.js';

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
  /** Lines the rows may take, header excluded (a "more" line included when they do not all fit). */
  readonly height: number;
  readonly empty?: string;
  /** Rows drawn dimmed (e.g. a backend's servers under it). */
  readonly dim?: (index: number) => boolean;
}

/** The window of rows that keeps the selected one in view. */
export const visibleRange = visibleWindow;

function Cell({ column, text, inverse, bold, dim }: { column: Column; text: string; inverse?: boolean; bold?: boolean; dim?: boolean }) {
  const fixed = column.width !== undefined;
  return (
    <Box width={column.width} flexGrow={fixed ? 0 : 1} flexShrink={fixed ? 0 : 1} flexBasis={fixed ? undefined : 0} marginRight={1} justifyContent={column.align === 'right' ? 'flex-end' : 'flex-start'}>
      <Text wrap="truncate-end" inverse={inverse} bold={bold} dimColor={dim}>{text}</Text>
    </Box>
  );
}

/** Says what lies outside the window: "↑ 3 · ↓ 19 more of 26". */
export function moreLine(start: number, end: number, count: number): string {
  const parts = [start > 0 ? `↑ ${start}` : '', end < count ? `↓ ${count - end}` : ''].filter(Boolean);
  return `${parts.join(' · ')} more of ${count.toLocaleString('en-US')}`;
}

export function Table({ columns, rows, selected, height, empty, dim }: TableProps) {
  const theme = useTheme();
  const fits = rows.length <= height;
  // When the rows do not all fit, the last line says how many more there are.
  const [start, end] = visibleRange(rows.length, selected, fits ? height : Math.max(1, height - 1));
  return (
    <Box flexDirection="column" flexShrink={0}>
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
            {columns.map((c, j) => <Cell key={c.title} column={c} text={row[j] ?? ''} inverse={isSelected} dim={!isSelected && theme.dim && dim?.(index)} />)}
          </Box>
        );
      })}
      {fits ? null : <Text dimColor={theme.dim} wrap="truncate-end">  {moreLine(start, end, rows.length)}</Text>}
    </Box>
  );
}
