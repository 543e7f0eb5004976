import { describe, expect, it } from 'vitest';
import { displayText } from '../../src/text/display-text.js';

describe('displayText', () => {
  it('makes terminal escapes visible (title change + clear screen in a URL)', () => {
    const hostile = '/a\u001b]0;pwned\u0007\u001b[2J';
    const shown = displayText(hostile);
    expect(shown).toBe('/a\\x1b]0;pwned\\x07\\x1b[2J');
    expect(shown).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });
  it('escapes CR, TAB, NUL, DEL, C1, bidi controls and backslash', () => {
    expect(displayText('a\rb\tc\u0000d\u007fe\u009bf\u202eg\\h')).toBe('a\\x0db\\x09c\\x00d\\x7fe\\x9bf\\u202eg\\\\h');
  });
  it('leaves ordinary text alone', () => {
    expect(displayText('GET /chat?room=é HTTP/1.1')).toBe('GET /chat?room=é HTTP/1.1');
    expect(displayText(null)).toBe('');
  });
});
