import { Box, Text } from 'ink';
import { helpEntries, type KeyMode } from '../key-bindings.js';
import type { ScreenId } from '../screens.js';
import { useTheme } from '../theme.js';

const GAP = 2;
const width = (e: { label: string; help: string }): number => [...e.label].length + 1 + [...e.help].length + GAP;

/**
 * Generated from the key-binding table: what the keys do in this mode, on this screen. One line: the entries that
 * fit, and `?` (every key) kept at the end when some do not.
 */
export function HelpBar({ mode, screen, columns }: { readonly mode: KeyMode; readonly screen: ScreenId; readonly columns: number }) {
  const theme = useTheme();
  const entries = helpEntries(mode, screen);
  const more = entries.find((e) => e.label === '?');
  const shown: typeof entries = [];
  let used = more ? width(more) : 0;
  for (const e of entries) {
    if (e === more) continue;
    if (used + width(e) > columns) break;
    shown.push(e);
    used += width(e);
  }
  if (more) shown.push(more);
  return (
    <Box height={1} overflow="hidden">
      {shown.map((e) => (
        <Box key={`${e.label} ${e.help}`} marginRight={GAP} flexShrink={0}>
          <Text bold color={theme.accent}>{e.label}</Text>
          <Text> {e.help}</Text>
        </Box>
      ))}
    </Box>
  );
}
