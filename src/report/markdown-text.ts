/**
 * Markdown that renders on GitHub and GitLab and still reads as plain text in a mail client: escape only what
 * Markdown would act on, keep our own `code spans` as they are, and show logged identifiers as code spans (inert:
 * nothing inside is formatting or HTML). Control characters are made visible first (displayText).
 */
import { displayText } from '../text/display-text.js';

const SPAN = /`[^`\n]+`/g;

/** Markdown outside code spans: emphasis, links, HTML and (in tables) cell separators. */
function escapeProse(text: string, table: boolean): string {
  return text
    // A backslash only escapes punctuation; elsewhere (\x1b from displayText) it is shown as it is.
    .replace(/\\(?=[!-/:-@[-`{-~])/g, '\\\\')
    .replace(/[*[\]<>`~]/g, (ch) => `\\${ch}`)
    // Underscores inside a word (be_ws) never emphasise on GitHub or GitLab.
    .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, '\\_')
    .replace(/&(?=#?\w+;)/g, '&amp;')
    .replace(/\|/g, table ? '\\|' : '|');
}

/** Prose of ours with logged values in it: its balanced `code spans` are kept, the rest escaped where needed. */
export function markdownText(value: unknown, options: { readonly table?: boolean } = {}): string {
  const text = displayText(value);
  const table = options.table ?? false;
  let out = '';
  let last = 0;
  for (const m of text.matchAll(SPAN)) {
    out += escapeProse(text.slice(last, m.index), table) + (table ? m[0].replace(/\|/g, '\\|') : m[0]);
    last = m.index + m[0].length;
  }
  return out + escapeProse(text.slice(last), table);
}

/** A logged value as a code span, with a fence longer than any run of backticks in it. */
export function markdownCode(value: unknown, options: { readonly table?: boolean } = {}): string {
  const text = displayText(value);
  if (text === '') return '';
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const padded = /^[` ]|[` ]$/.test(text) ? ` ${text} ` : text;
  return `${fence}${options.table ? padded.replace(/\|/g, '\\|') : padded}${fence}`;
}
