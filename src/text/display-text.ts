/**
 * The one function every logged string goes through before it reaches a terminal or a plain-text report.
 * Logged text is attacker-controlled: C0 controls (\r and \t included), DEL, C1 controls and the bidi
 * controls become visible escapes, and backslash is escaped so that an escape cannot be forged. Stored
 * data stays raw; this runs at render time (nginx CVE-2009-4487, kubectl CVE-2021-25743).
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x1f\x7f-\x9f\\\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff]/g;

function escapeChar(ch: string): string {
  if (ch === '\\') return '\\\\';
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export function displayText(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : String(value);
  return text.replace(UNSAFE, escapeChar);
}

/**
 * JSON text for a terminal. JSON.stringify already writes C0 controls as \u escapes; DEL, the C1 controls (U+009B
 * is CSI to some terminals) and the bidi controls it leaves raw become \u escapes too. Parsed, it is the same data.
 * (They occur only inside strings: JSON's own syntax is ASCII.)
 */
// eslint-disable-next-line no-control-regex
const JSON_UNSAFE = /[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff]/g;

export function jsonForTerminal(json: string): string {
  return json.replace(JSON_UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
