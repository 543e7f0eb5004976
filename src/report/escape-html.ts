/**
 * HTML escaping for every text node and attribute of the report (GoAccess shipped report XSS twice), and
 * JSON embedded in a page with `<` written `\u003c` so no logged text can close the script element.
 */
const HTML: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : String(value);
  // Control characters are made visible too: they have no business in a report.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[&<>"'`]/g, (ch) => HTML[ch]!).replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function jsonForHtml(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
