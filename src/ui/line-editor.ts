/**
 * A one-line text field as readline edits it (the Query screen's SQL, a drill-down's search and filter): pure
 * functions over the text and the cursor, so that the reducer owns them and every key acts on the latest text.
 */
export interface LineEdit {
  readonly text: string;
  /** Position in code points, 0 … length. */
  readonly cursor: number;
}

export const LINE_EDITS = ['left', 'right', 'word-left', 'word-right', 'home', 'end', 'backspace', 'delete', 'kill-start', 'kill-end', 'kill-word'] as const;
export type LineEditOp = (typeof LINE_EDITS)[number];

export const lineEdit = (text = ''): LineEdit => ({ text, cursor: [...text].length });

/** Types text at the cursor. Control characters never enter the field (a pasted newline becomes a space). */
export function insertText(e: LineEdit, typed: string): LineEdit {
  // eslint-disable-next-line no-control-regex
  const clean = [...typed.replace(/[\r\n\t]/g, ' ').replace(/[\x00-\x1f\x7f-\x9f]/g, '')];
  if (clean.length === 0) return e;
  const chars = [...e.text];
  chars.splice(e.cursor, 0, ...clean);
  return { text: chars.join(''), cursor: e.cursor + clean.length };
}

const isWord = (ch: string | undefined): boolean => ch !== undefined && /[\p{L}\p{N}_]/u.test(ch);

/** Start of the word before the cursor (readline's Ctrl-W stops at whitespace; Alt-B at non-word characters). */
function wordStart(chars: readonly string[], from: number, wordChars: boolean): number {
  let i = from;
  const inWord = (ch: string | undefined) => (wordChars ? isWord(ch) : ch !== undefined && !/\s/.test(ch));
  while (i > 0 && !inWord(chars[i - 1])) i--;
  while (i > 0 && inWord(chars[i - 1])) i--;
  return i;
}

function wordEnd(chars: readonly string[], from: number): number {
  let i = from;
  while (i < chars.length && !isWord(chars[i])) i++;
  while (i < chars.length && isWord(chars[i])) i++;
  return i;
}

export function applyLineEdit(e: LineEdit, op: LineEditOp): LineEdit {
  const chars = [...e.text];
  const at = Math.max(0, Math.min(e.cursor, chars.length));
  const cut = (from: number, to: number): LineEdit => ({ text: [...chars.slice(0, from), ...chars.slice(to)].join(''), cursor: from });
  switch (op) {
    case 'left': return { ...e, cursor: Math.max(0, at - 1) };
    case 'right': return { ...e, cursor: Math.min(chars.length, at + 1) };
    case 'word-left': return { ...e, cursor: wordStart(chars, at, true) };
    case 'word-right': return { ...e, cursor: wordEnd(chars, at) };
    case 'home': return { ...e, cursor: 0 };
    case 'end': return { ...e, cursor: chars.length };
    case 'backspace': return at > 0 ? cut(at - 1, at) : e;
    case 'delete': return at < chars.length ? cut(at, at + 1) : e;
    case 'kill-start': return cut(0, at);
    case 'kill-end': return cut(at, chars.length);
    case 'kill-word': return cut(wordStart(chars, at, false), at);
  }
}
