import { Box, Text } from 'ink';
import { allKeys, type KeyMode } from '../key-bindings.js';
import type { ScreenId } from '../screens.js';
import { useTheme } from '../theme.js';

/** `?`: every key of the mode underneath, from the same binding table as the help bar. */
export function HelpView({ mode, screen, scroll, height }: { readonly mode: KeyMode; readonly screen: ScreenId; readonly scroll: number; readonly height: number }) {
  const theme = useTheme();
  const keys = [...allKeys(mode, screen), ...(mode === 'drill' ? allKeys('prompt', screen).map((k) => ({ ...k, help: `in / and f: ${k.help}` })) : [])];
  const rows = Math.max(1, height - 1);
  const from = Math.min(scroll, Math.max(0, keys.length - rows));
  return (
    <Box flexDirection="column">
      <Text bold>Keys {mode === 'drill' ? 'in a drill-down' : 'on this screen'} <Text bold={false} dimColor={theme.dim}>(Esc or ? to close)</Text></Text>
      {keys.slice(from, from + rows).map((k) => (
        <Box key={`${k.label} ${k.help}`}>
          <Box width={28} flexShrink={0}><Text color={theme.accent} wrap="truncate-end">{k.label}</Text></Box>
          <Text wrap="truncate-end">{k.help}</Text>
        </Box>
      ))}
    </Box>
  );
}
