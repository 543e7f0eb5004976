import { Box, Text } from 'ink';
import { formatCount, safe } from '../format.js';
import type { DrillState } from '../drill-state.js';
import { visibleWindow } from '../drill-state.js';
import { useTheme } from '../theme.js';
import { TextField } from './TextField.js';

/** Lines besides the rows: title, column header, the selected line in full (2), and the prompt or a note. */
export const DRILL_CHROME = 5;

const CLEAN = 'clean session, raw line not kept: ';

/** The lines behind a row (Enter): a page at a time from the database, escaped, scrolled sideways with ←/→. */
export function DrillView({ drill, height }: { readonly drill: DrillState; readonly height: number }) {
  const theme = useTheme();
  const rows = Math.max(1, height - DRILL_CHROME);
  const total = drill.total;
  const [start, end] = total === null ? [0, 0] : visibleWindow(total, drill.selected, rows);
  const q = drill.query;
  const where = total === null ? 'counting…' : total === 0 ? 'no line' : `${formatCount(drill.selected + 1)} of ${formatCount(total)}`;
  const notes = [where, q.order === 'asc' ? 'oldest first' : 'newest first', q.filter ? `filter "${q.filter}"` : '', drill.search ? `search "${drill.search}"` : '', drill.scroll ? `→${drill.scroll}` : '']
    .filter(Boolean).join(' · ');
  const current = total === null ? undefined : drill.lines[drill.selected - drill.offset];
  const lines: React.JSX.Element[] = [];
  for (let i = start; i < end; i++) {
    const line = drill.lines[i - drill.offset];
    const selected = i === drill.selected;
    const text = line ? safe(line.raw ? line.text : CLEAN + line.text) : '…';
    lines.push(
      <Box key={i}>
        <Box width={2} flexShrink={0}><Text color={theme.accent}>{selected ? '>' : ' '}</Text></Box>
        <Box width={11} flexShrink={0}><Text inverse={selected} wrap="truncate-end">{line ? `${line.key.sourceId}:${line.key.lineNo}` : ''}</Text></Box>
        <Box flexGrow={1} flexBasis={0}><Text inverse={selected} dimColor={Boolean(line && !line.raw && !selected && theme.dim)} wrap="truncate-end">{[...text].slice(drill.scroll).join('') || ' '}</Text></Box>
      </Box>,
    );
  }
  let footer: React.JSX.Element;
  if (drill.prompt) footer = <TextField prompt={drill.prompt.kind === 'search' ? '/' : 'filter: '} edit={drill.prompt.edit} active />;
  else if (drill.error) footer = <Text color={theme.critical} wrap="truncate-end">{safe(drill.error)}</Text>;
  else footer = <Text dimColor={theme.dim} wrap="truncate-end">{drill.searching ? 'searching…' : drill.paging ? 'loading…' : safe(drill.message ?? '')}</Text>;
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">{safe(drill.title)} <Text bold={false} dimColor={theme.dim}>— {safe(notes)}</Text></Text>
      <Box>
        <Box width={2} flexShrink={0}><Text> </Text></Box>
        <Box width={11} flexShrink={0}><Text bold>src:line</Text></Box>
        <Text bold>line as logged</Text>
      </Box>
      {total === 0 ? <Text dimColor={theme.dim}>  {q.filter ? 'no line matches the filter' : 'no stored line'}</Text> : null}
      <Box flexDirection="column" height={rows} overflow="hidden">{lines}</Box>
      <Box height={2} overflow="hidden">
        <Text wrap="wrap" dimColor={Boolean(current && !current.raw && theme.dim)}>{current ? safe(current.raw ? current.text : CLEAN + current.text) : ''}</Text>
      </Box>
      {footer}
    </Box>
  );
}
