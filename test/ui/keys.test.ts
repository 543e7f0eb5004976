import { describe, expect, it } from 'vitest';
import { decodeKeys } from '../../src/ui/key-bindings.js';
import { applyLineEdit, insertText, lineEdit, type LineEdit, type LineEditOp } from '../../src/ui/line-editor.js';

describe('decodeKeys: one read → the keys in it, in order', () => {
  it.each([
    ['j', {}, [{ input: 'j', key: {} }]],
    ['2j\r', {}, [{ input: '2', key: {} }, { input: 'j', key: {} }, { input: '', key: { return: true } }]],
    ['ab\u0015c\u007f', {}, [{ input: 'a', key: {} }, { input: 'b', key: {} }, { input: 'u', key: { ctrl: true } }, { input: 'c', key: {} }, { input: '', key: { backspace: true } }]],
    ['', { upArrow: true }, [{ input: '', key: { upArrow: true, ctrl: false } }]],
    ['', { downArrow: true, meta: true }, [{ input: '', key: { escape: true } }, { input: '', key: { downArrow: true, ctrl: false } }]],
    ['q', { meta: true }, [{ input: '', key: { escape: true } }, { input: 'q', key: {} }]],
    ['', { escape: true, meta: true }, [{ input: '', key: { escape: true, ctrl: false } }]],
    ['', { delete: true }, [{ input: '', key: { backspace: true, ctrl: false } }]],
    ['u', { ctrl: true }, [{ input: 'u', key: { ctrl: true } }]],
    ['é\u0085x', {}, [{ input: 'é', key: {} }, { input: 'x', key: {} }]],
  ] as const)('%j %j', (input, key, expected) => {
    expect(decodeKeys(input, key)).toEqual(expected);
  });
});

describe('the line editor', () => {
  const at = (text: string, cursor: number): LineEdit => ({ text, cursor });
  it.each([
    [at('SELECT 1 FROM t', 15), 'kill-word', at('SELECT 1 FROM ', 14)],
    [at('SELECT 1 FROM t  ', 17), 'kill-word', at('SELECT 1 FROM ', 14)],
    [at('a.b', 3), 'kill-word', at('', 0)],
    [at('SELECT 1', 3), 'kill-start', at('ECT 1', 0)],
    [at('SELECT 1', 3), 'kill-end', at('SEL', 3)],
    [at('SELECT 1', 3), 'home', at('SELECT 1', 0)],
    [at('SELECT 1', 3), 'end', at('SELECT 1', 8)],
    [at('SELECT 1', 0), 'backspace', at('SELECT 1', 0)],
    [at('SELECT 1', 8), 'delete', at('SELECT 1', 8)],
    [at('SELECT 1', 3), 'delete', at('SELCT 1', 3)],
    [at('héllo wörld', 11), 'word-left', at('héllo wörld', 6)],
    [at('héllo wörld', 0), 'word-right', at('héllo wörld', 5)],
  ] as [LineEdit, LineEditOp, LineEdit][])('%j %s → %j', (from, op, to) => {
    expect(applyLineEdit(from, op)).toEqual(to);
  });

  it('types at the cursor; control characters never enter, a pasted newline is a space', () => {
    expect(insertText(at('SELCT', 3), 'E')).toEqual(at('SELECT', 4));
    expect(insertText(lineEdit('a'), 'b\nc\u001b[2J')).toEqual(at('ab c[2J', 7));
  });
});
