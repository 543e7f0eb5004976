import { Box, Text } from 'ink';
import { helpEntries, type KeyMode } from '../key-bindings.js';
import type { ScreenId } from '../screens.js';
import { useTheme } from '../theme.js';

/** Generated from the key-binding table: what the keys do in this mode, on this screen. */
export function HelpBar({ mode, screen }: { readonly mode: KeyMode; readonly screen: ScreenId }) {
  const theme = useTheme();
  return (
    <Box flexWrap="wrap">
      {helpEntries(mode, screen).map((e) => (
        <Box key={`${e.label} ${e.help}`} marginRight={2} flexShrink={0}>
          <Text bold color={theme.accent}>{e.label}</Text>
          <Text> {e.help}</Text>
        </Box>
      ))}
    </Box>
  );
}
