/**
 * Every shortcut, in one table: the reducer matches keys against it and the help bar is generated from it, so the
 * two cannot drift apart. A binding belongs to a mode: browsing the screens, reading a drill-down, typing in a
 * field (SQL, or a drill-down's search and filter: the field owns the keyboard until Enter or Esc), or help.
 */
import type { LineEditOp } from './line-editor.js';
import { SCREENS, type ScreenId } from './screens.js';

export type KeyMode = 'browse' | 'drill' | 'edit' | 'prompt' | 'help';

export type KeyAction =
  | { readonly type: 'screen'; readonly screen: ScreenId }
  | { readonly type: 'line-edit'; readonly op: LineEditOp }
  | {
    readonly type: 'next-screen' | 'prev-screen' | 'up' | 'down' | 'page-up' | 'page-down' | 'home' | 'end' | 'enter' | 'back'
      | 'pause' | 'quit' | 'help' | 'search' | 'search-next' | 'search-prev' | 'filter' | 'sort' | 'scroll-left' | 'scroll-right'
      | 'submit' | 'cancel' | 'history-prev' | 'history-next';
  };

/** A key as the reducer sees it: one character typed, or a named key, with Ctrl. */
export interface KeyPress {
  readonly leftArrow?: boolean;
  readonly rightArrow?: boolean;
  readonly upArrow?: boolean;
  readonly downArrow?: boolean;
  readonly pageUp?: boolean;
  readonly pageDown?: boolean;
  readonly home?: boolean;
  readonly end?: boolean;
  readonly return?: boolean;
  readonly escape?: boolean;
  readonly backspace?: boolean;
  readonly delete?: boolean;
  readonly tab?: boolean;
  readonly ctrl?: boolean;
  readonly meta?: boolean;
  readonly shift?: boolean;
}

export interface KeyEvent {
  readonly input: string;
  readonly key: KeyPress;
}

const NAMED: readonly (keyof KeyPress)[] = ['leftArrow', 'rightArrow', 'upArrow', 'downArrow', 'pageUp', 'pageDown', 'home', 'end', 'return', 'escape', 'backspace', 'delete', 'tab'];

/**
 * What Ink hands a useInput handler → the keys, one by one. Ink splits a read at escape sequences but passes a run
 * of plain characters as one string ("j\r" when j and Enter arrive in one read): each is a key of its own, and
 * must act after the one before it.
 */
export function decodeKeys(input: string, key: KeyPress): KeyEvent[] {
  // Esc and the next key in one read reach Ink as one Alt-key (ESC is Alt's prefix). No binding uses Alt: they are
  // two keys, Esc first (Esc then ↓ goes back, then moves).
  const escape: KeyEvent[] = key.meta && !key.escape ? [{ input: '', key: { escape: true } }] : [];
  // Ink names both DEL (what the Backspace key sends on most terminals) and the Delete key `delete`: it is the
  // Backspace key nine times out of ten, so it deletes backward (Ctrl-D deletes forward).
  if (key.delete && !key.backspace) return [...escape, { input: '', key: { backspace: true, ctrl: Boolean(key.ctrl) } }];
  if (NAMED.some((k) => key[k])) return [...escape, { input: '', key: { ...pick(key), ctrl: Boolean(key.ctrl) } }];
  if (key.ctrl && input.length === 1) return [...escape, { input, key: { ctrl: true } }];
  if (escape.length && input.length === 1) return [...escape, { input, key: {} }];
  const out: KeyEvent[] = [];
  for (const ch of input) {
    const code = ch.codePointAt(0)!;
    if (ch === '\r' || ch === '\n') out.push({ input: '', key: { return: true } });
    else if (ch === '\t') out.push({ input: '', key: { tab: true } });
    else if (ch === '\x7f' || ch === '\b') out.push({ input: '', key: { backspace: true } });
    else if (ch === '\x1b') out.push({ input: '', key: { escape: true } });
    else if (code >= 1 && code <= 26) out.push({ input: String.fromCharCode(code + 96), key: { ctrl: true } });
    else if (code >= 0x20 && !(code >= 0x7f && code <= 0x9f)) out.push({ input: ch, key: {} });
  }
  return out;
}

function pick(key: KeyPress): KeyPress {
  const out: Record<string, boolean> = {};
  for (const k of NAMED) if (key[k]) out[k] = true;
  return out;
}

export interface KeySpec {
  /** A character typed, or a named key. */
  readonly input?: string;
  readonly key?: keyof KeyPress;
  readonly ctrl?: boolean;
}

export interface KeyBinding {
  readonly action: KeyAction;
  readonly modes: readonly KeyMode[];
  readonly keys: readonly KeySpec[];
  /** Shown in the help bar; bindings without a label only appear in the full help (?). */
  readonly label?: string;
  readonly help: string;
  /** Only on this screen. */
  readonly screen?: ScreenId;
}

const EDITING: readonly KeyMode[] = ['edit', 'prompt'];
const edit = (op: LineEditOp, keys: KeySpec[], help: string, label?: string): KeyBinding =>
  ({ action: { type: 'line-edit', op }, modes: EDITING, keys, help, ...(label ? { label } : {}) });

export const KEY_BINDINGS: readonly KeyBinding[] = [
  { action: { type: 'quit' }, modes: ['browse', 'drill', 'edit', 'prompt', 'help'], keys: [{ input: 'c', ctrl: true }], help: 'quit' },
  { action: { type: 'quit' }, modes: ['browse', 'drill'], keys: [{ input: 'q' }], label: 'q', help: 'quit' },
  ...SCREENS.map((s, i): KeyBinding => ({
    action: { type: 'screen', screen: s.id }, modes: ['browse'], keys: [{ input: String(i + 1) }], help: s.title,
    ...(i === 0 ? { label: `1-${SCREENS.length}`, help: 'screens' } : {}),
  })),
  { action: { type: 'prev-screen' }, modes: ['browse'], keys: [{ key: 'leftArrow' }], label: '←/→', help: 'tab' },
  { action: { type: 'next-screen' }, modes: ['browse'], keys: [{ key: 'rightArrow' }, { key: 'tab' }], help: 'next tab' },
  { action: { type: 'up' }, modes: ['browse', 'drill', 'help'], keys: [{ key: 'upArrow' }, { input: 'k' }], label: '↑/↓', help: 'select' },
  { action: { type: 'down' }, modes: ['browse', 'drill', 'help'], keys: [{ key: 'downArrow' }, { input: 'j' }], help: 'down' },
  { action: { type: 'enter' }, modes: ['browse'], keys: [{ key: 'return' }, { input: 'e' }], label: 'Enter', help: 'edit SQL', screen: 'query' },
  { action: { type: 'enter' }, modes: ['browse'], keys: [{ key: 'return' }], label: 'Enter', help: 'evidence', screen: 'overview' },
  { action: { type: 'enter' }, modes: ['browse'], keys: [{ key: 'return' }], label: 'Enter', help: 'servers/lines', screen: 'tunnels' },
  { action: { type: 'enter' }, modes: ['browse'], keys: [{ key: 'return' }], label: 'Enter', help: 'raw lines' },
  { action: { type: 'back' }, modes: ['drill', 'help'], keys: [{ key: 'escape' }, { key: 'backspace' }], label: 'Esc', help: 'back' },
  { action: { type: 'search' }, modes: ['drill'], keys: [{ input: '/' }], label: '/', help: 'search' },
  { action: { type: 'search-next' }, modes: ['drill'], keys: [{ input: 'n' }], label: 'n/N', help: 'next/prev' },
  { action: { type: 'search-prev' }, modes: ['drill'], keys: [{ input: 'N' }], help: 'previous match' },
  { action: { type: 'filter' }, modes: ['drill'], keys: [{ input: 'f' }, { input: '&' }], label: 'f', help: 'filter' },
  { action: { type: 'sort' }, modes: ['drill'], keys: [{ input: 's' }], label: 's', help: 'sort' },
  { action: { type: 'scroll-left' }, modes: ['drill'], keys: [{ key: 'leftArrow' }, { input: 'h' }], label: '←/→', help: 'scroll' },
  { action: { type: 'scroll-right' }, modes: ['drill'], keys: [{ key: 'rightArrow' }, { input: 'l' }], help: 'scroll right' },
  { action: { type: 'pause' }, modes: ['browse', 'drill'], keys: [{ input: 'p' }], label: 'p', help: 'pause' },
  { action: { type: 'page-up' }, modes: ['browse', 'drill', 'help'], keys: [{ key: 'pageUp' }, { input: 'b', ctrl: true }], label: 'PgUp/PgDn', help: 'page' },
  { action: { type: 'page-down' }, modes: ['browse', 'drill', 'help'], keys: [{ key: 'pageDown' }, { input: 'f', ctrl: true }, { input: ' ' }], help: 'page down' },
  { action: { type: 'home' }, modes: ['browse', 'drill'], keys: [{ key: 'home' }, { input: 'g' }], label: 'Home/End', help: 'first/last' },
  { action: { type: 'end' }, modes: ['browse', 'drill'], keys: [{ key: 'end' }, { input: 'G' }], help: 'last' },
  { action: { type: 'help' }, modes: ['browse', 'drill', 'help'], keys: [{ input: '?' }], label: '?', help: 'all keys' },
  { action: { type: 'submit' }, modes: EDITING, keys: [{ key: 'return' }], label: 'Enter', help: 'run' },
  { action: { type: 'cancel' }, modes: EDITING, keys: [{ key: 'escape' }], label: 'Esc', help: 'stop editing' },
  { action: { type: 'history-prev' }, modes: ['edit'], keys: [{ key: 'upArrow' }, { input: 'p', ctrl: true }], label: '↑/↓', help: 'history' },
  { action: { type: 'history-next' }, modes: ['edit'], keys: [{ key: 'downArrow' }, { input: 'n', ctrl: true }], help: 'history forward' },
  edit('home', [{ input: 'a', ctrl: true }, { key: 'home' }], 'start of line', '^A/^E'),
  edit('end', [{ input: 'e', ctrl: true }, { key: 'end' }], 'end of line'),
  edit('kill-start', [{ input: 'u', ctrl: true }], 'delete to start', '^U'),
  edit('kill-word', [{ input: 'w', ctrl: true }], 'delete word', '^W'),
  edit('kill-end', [{ input: 'k', ctrl: true }], 'delete to end'),
  edit('left', [{ key: 'leftArrow' }, { input: 'b', ctrl: true }], 'cursor left'),
  edit('right', [{ key: 'rightArrow' }, { input: 'f', ctrl: true }], 'cursor right'),
  edit('backspace', [{ key: 'backspace' }, { input: 'h', ctrl: true }], 'delete left'),
  edit('delete', [{ input: 'd', ctrl: true }], 'delete right'),
];

function matches(spec: KeySpec, { input, key }: KeyEvent): boolean {
  if (spec.key) return Boolean(key[spec.key]) && (spec.ctrl === undefined || Boolean(key.ctrl) === spec.ctrl);
  if (spec.input === undefined) return false;
  return input === spec.input && Boolean(key.ctrl) === Boolean(spec.ctrl);
}

/** The binding a key triggers in this mode and screen (screen-specific bindings win). */
export function findBinding(mode: KeyMode, screen: ScreenId, event: KeyEvent): KeyBinding | undefined {
  const candidates = KEY_BINDINGS.filter((b) => b.modes.includes(mode) && (b.screen === undefined || b.screen === screen));
  return candidates.find((b) => b.screen !== undefined && b.keys.some((k) => matches(k, event)))
    ?? candidates.find((b) => b.keys.some((k) => matches(k, event)));
}

export interface HelpEntry {
  readonly label: string;
  readonly help: string;
}

/** The help bar's entries for this mode and screen, in table order. */
export function helpEntries(mode: KeyMode, screen: ScreenId): HelpEntry[] {
  const seen = new Set<string>();
  const out: HelpEntry[] = [];
  const bindings = KEY_BINDINGS.filter((b) => b.label && b.modes.includes(mode) && (b.screen === undefined || b.screen === screen));
  for (const b of bindings) {
    // A screen-specific binding hides the general one on the same label (Enter edits SQL on the Query screen).
    if (b.screen === undefined && bindings.some((o) => o.screen !== undefined && o.label === b.label)) continue;
    if (seen.has(b.label!)) continue;
    seen.add(b.label!);
    out.push({ label: b.label!, help: b.help });
  }
  return out;
}

const keyName = (k: KeySpec): string => {
  const names: Partial<Record<keyof KeyPress, string>> = {
    leftArrow: '←', rightArrow: '→', upArrow: '↑', downArrow: '↓', pageUp: 'PgUp', pageDown: 'PgDn', home: 'Home', end: 'End',
    return: 'Enter', escape: 'Esc', backspace: 'Backspace', delete: 'Delete', tab: 'Tab',
  };
  const base = k.key ? names[k.key] ?? k.key : k.input === ' ' ? 'Space' : k.input ?? '';
  return k.ctrl ? `Ctrl-${base.toUpperCase()}` : base;
};

/** Every key of a mode (the ? screen): keys, what they do. */
export function allKeys(mode: KeyMode, screen: ScreenId): HelpEntry[] {
  return KEY_BINDINGS.filter((b) => b.modes.includes(mode) && (b.screen === undefined || b.screen === screen))
    .filter((b, i, all) => b.screen !== undefined || !all.some((o) => o.screen !== undefined && o.keys.some((k) => b.keys.some((x) => keyName(x) === keyName(k)))))
    .map((b) => ({ label: b.keys.map(keyName).join(' '), help: b.help }));
}
