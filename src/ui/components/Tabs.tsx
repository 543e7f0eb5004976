import { Box, Text } from 'ink';
import { SCREENS, type ScreenId } from '../screens.js';
import { useTheme } from '../theme.js';

export function Tabs({ screen }: { readonly screen: ScreenId }) {
  const theme = useTheme();
  return (
    <Box>
      {SCREENS.map((s, i) => (
        <Box key={s.id} marginRight={1} flexShrink={0}>
          <Text inverse={s.id === screen} color={s.id === screen ? undefined : theme.accent}>{`${i + 1} ${s.title}`}</Text>
        </Box>
      ))}
    </Box>
  );
}
