/**
 * Every shortcut, in one table: the key handler matches against it and the help bar is generated from it, so the
 * two cannot drift apart. A binding belongs to a mode: browsing the screens, reading raw lines, or typing SQL.
 */
import { SCREENS, type ScreenId } from './screens.js';

export type KeyMode = 'browse' | 'drill' | 'edit';

export type KeyAction =
  | { readonly type: 'screen'; readonly screen: ScreenId }
  | { readonly type: 'next-screen' | 'prev-screen' | 'up' | 'down' | 'page-up' | 'page-down' | 'drill' | 'back' | 'pause' | 'quit' | 'edit-query' | 'run-query' };

/** The parts of Ink's Key that bindings use. */
export interface KeyPress {
  readonly leftArrow?: boolean;
  readonly rightArrow?: boolean;
  readonly upArrow?: boolean;
  readonly downArrow?: boolean;
  readonly pageUp?: boolean;
  readonly pageDown?: boolean;
  readonly return?: boolean;
  readonly escape?: boolean;
  readonly ctrl?: boolean;
  readonly tab?: boolean;
  readonly shift?: boolean;
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
  /** Shown in the help bar; bindings without a label are folded into another entry (1-8). */
  readonly label?: string;
  readonly help: string;
  /** Only on this screen. */
  readonly screen?: ScreenId;
}

export const KEY_BINDINGS: readonly KeyBinding[] = [
  { action: { type: 'quit' }, modes: ['browse', 'drill', 'edit'], keys: [{ input: 'c', ctrl: true }], help: 'quit' },
  { action: { type: 'quit' }, modes: ['browse', 'drill'], keys: [{ input: 'q' }], label: 'q', help: 'quit' },
  ...SCREENS.map((s, i): KeyBinding => ({
    action: { type: 'screen', screen: s.id }, modes: ['browse'], keys: [{ input: String(i + 1) }], help: s.title,
    ...(i === 0 ? { label: `1-${SCREENS.length}`, help: 'screens' } : {}),
  })),
  { action: { type: 'prev-screen' }, modes: ['browse'], keys: [{ key: 'leftArrow' }], label: '←/→', help: 'tab' },
  { action: { type: 'next-screen' }, modes: ['browse'], keys: [{ key: 'rightArrow' }], help: 'next tab' },
  { action: { type: 'up' }, modes: ['browse', 'drill'], keys: [{ key: 'upArrow' }, { input: 'k' }], label: '↑/↓', help: 'select' },
  { action: { type: 'down' }, modes: ['browse', 'drill'], keys: [{ key: 'downArrow' }, { input: 'j' }], help: 'down' },
  { action: { type: 'page-up' }, modes: ['browse', 'drill'], keys: [{ key: 'pageUp' }], help: 'page up' },
  { action: { type: 'page-down' }, modes: ['browse', 'drill'], keys: [{ key: 'pageDown' }], help: 'page down' },
  { action: { type: 'edit-query' }, modes: ['browse'], keys: [{ key: 'return' }, { input: 'e' }], label: 'Enter', help: 'edit SQL', screen: 'query' },
  { action: { type: 'drill' }, modes: ['browse'], keys: [{ key: 'return' }], label: 'Enter', help: 'raw lines' },
  { action: { type: 'back' }, modes: ['drill'], keys: [{ key: 'escape' }, { key: 'leftArrow' }, { input: 'b' }], label: 'Esc', help: 'back' },
  { action: { type: 'pause' }, modes: ['browse', 'drill'], keys: [{ input: 'p' }], label: 'p', help: 'pause' },
  { action: { type: 'run-query' }, modes: ['edit'], keys: [{ key: 'return' }], label: 'Enter', help: 'run' },
  { action: { type: 'back' }, modes: ['edit'], keys: [{ key: 'escape' }], label: 'Esc', help: 'stop editing' },
];

function matches(spec: KeySpec, input: string, key: KeyPress): boolean {
  if (spec.key) return Boolean(key[spec.key]) && (spec.ctrl === undefined || Boolean(key.ctrl) === spec.ctrl);
  if (spec.input === undefined) return false;
  return input === spec.input && Boolean(key.ctrl) === Boolean(spec.ctrl);
}

/** The binding a key press triggers in this mode and screen (screen-specific bindings win). */
export function findBinding(mode: KeyMode, screen: ScreenId, input: string, key: KeyPress): KeyBinding | undefined {
  const candidates = KEY_BINDINGS.filter((b) => b.modes.includes(mode) && (b.screen === undefined || b.screen === screen));
  return candidates.find((b) => b.screen !== undefined && b.keys.some((k) => matches(k, input, key)))
    ?? candidates.find((b) => b.keys.some((k) => matches(k, input, key)));
}

/** The help bar's entries for this mode and screen, in table order. */
export function helpEntries(mode: KeyMode, screen: ScreenId): { readonly label: string; readonly help: string }[] {
  const seen = new Set<string>();
  const out: { label: string; help: string }[] = [];
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
