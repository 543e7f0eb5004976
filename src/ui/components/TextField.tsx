import { Box, Text } from 'ink';
import { safe } from '../format.js';
import type { LineEdit } from '../line-editor.js';
import { useTheme } from '../theme.js';

/** A one-line field with its cursor; the text scrolls so that the cursor stays in view (the field is one line). */
export function TextField({ prompt, edit, active, width }: { readonly prompt: string; readonly edit: LineEdit; readonly active: boolean; readonly width?: number }) {
  const theme = useTheme();
  const chars = [...safe(edit.text)];
  // Escaping may lengthen the text before the cursor; measure the cursor on the escaped text.
  const cursor = [...safe([...edit.text].slice(0, edit.cursor).join(''))].length;
  const room = Math.max(8, (width ?? 60) - prompt.length - 2);
  const from = Math.max(0, cursor - room + 1);
  const before = chars.slice(from, cursor).join('');
  const at = chars[cursor] ?? ' ';
  const after = chars.slice(cursor + 1, from + room).join('');
  return (
    <Box>
      <Text color={theme.accent}>{prompt}</Text>
      <Text wrap="truncate-end">{before}{active ? <Text inverse>{at}</Text> : at}{after}</Text>
    </Box>
  );
}
