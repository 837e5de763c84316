/**
 * The one keyboard registry: every shortcut in the window is registered here, with the
 * words the `?` help overlay shows for it, so the overlay always lists exactly the keys
 * that work on the current screen.
 *
 * Screens and overlays register a layer with `useKeys(scope, bindings)` while mounted.
 * One window listener dispatches each key to the newest layer that binds it; a layer
 * marked `modal` (help overlay, palette) hides every layer under it. Keys are
 * `KeyboardEvent.key` values ("/", "j", "Enter", "Escape", "?", "1") or a chord with
 * "Mod+" (Ctrl, or Cmd on a Mac): "Mod+k".
 *
 * Scopes in use: "global" (help `?`, the palette's Mod+k, `n` next attention item),
 * "list" (every list screen: `/`, j/k, Enter, Esc, 1-7), "conversation", "detail".
 */
import { useEffect, useRef } from 'react';
import { create } from 'zustand';

export interface KeyBinding {
  /** `KeyboardEvent.key`, or "Mod+<key>" for Ctrl/Cmd chords. */
  key: string;
  /** What the key does, in plain words, for the help overlay. */
  label: string;
  run(e: KeyboardEvent): void;
  /** Also while the focus is in a text field (Escape and Mod+ chords always are). */
  whileTyping?: boolean;
  /** Not listed in the help overlay (aliases such as the arrow keys). */
  hidden?: boolean;
  /** Shown instead of `key` in the help overlay ("1-7", "j / k"). */
  display?: string;
}

export interface KeyLayer {
  id: number;
  /** Heading in the help overlay: "Everywhere", "Conversations", "Conversation"… */
  scope: string;
  bindings: KeyBinding[];
  /** Hides every layer registered before it (overlays). */
  modal?: boolean;
}

interface KeyboardState {
  layers: KeyLayer[];
  helpOpen: boolean;
  setHelpOpen(open: boolean): void;
}

export const useKeyboard = create<KeyboardState>()((set) => ({
  layers: [],
  helpOpen: false,
  setHelpOpen: (helpOpen) => set({ helpOpen }),
}));

let nextId = 1;

/** The layers that currently receive keys, newest first (a modal layer hides older ones). */
export function activeLayers(layers: KeyLayer[] = useKeyboard.getState().layers): KeyLayer[] {
  const out: KeyLayer[] = [];
  for (let i = layers.length - 1; i >= 0; i--) {
    out.push(layers[i]);
    if (layers[i].modal) break;
  }
  return out;
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

/** Whether a keydown event is the binding's key. */
export function matches(key: string, e: KeyboardEvent): boolean {
  const mod = e.ctrlKey || e.metaKey;
  if (key.startsWith('Mod+')) {
    return mod && !e.altKey && e.key.toLowerCase() === key.slice(4).toLowerCase();
  }
  if (mod || e.altKey) return false;
  return e.key === key;
}

/** Dispatches one keydown to the newest matching binding; returns whether one ran. */
export function dispatchKey(e: KeyboardEvent): boolean {
  if (e.defaultPrevented) return false;
  const typing = isTyping(e.target);
  for (const layer of activeLayers()) {
    for (const b of layer.bindings) {
      if (!matches(b.key, e)) continue;
      if (typing && !(b.whileTyping || b.key === 'Escape' || b.key.startsWith('Mod+'))) return false;
      b.run(e);
      return true;
    }
  }
  return false;
}

let listening = false;
function ensureListener(): void {
  if (listening || typeof window === 'undefined') return;
  listening = true;
  window.addEventListener('keydown', (e) => {
    dispatchKey(e);
  });
}

/** Registers a layer; returns its removal. For use outside React (tests, stores). */
export function registerKeys(scope: string, bindings: KeyBinding[], opts: { modal?: boolean } = {}): () => void {
  ensureListener();
  const layer: KeyLayer = { id: nextId++, scope, bindings, modal: opts.modal };
  useKeyboard.setState((s) => ({ layers: [...s.layers, layer] }));
  return () => useKeyboard.setState((s) => ({ layers: s.layers.filter((l) => l.id !== layer.id) }));
}

/**
 * Registers `bindings` under `scope` while the component is mounted (and `enabled`).
 * The handlers may change on every render; the latest ones run.
 */
export function useKeys(scope: string, bindings: KeyBinding[], opts: { enabled?: boolean; modal?: boolean } = {}): void {
  const ref = useRef(bindings);
  ref.current = bindings;
  const enabled = opts.enabled ?? true;
  // The listed keys and labels, so the layer is re-registered only when they change.
  const shape = bindings.map((b) => `${b.key}\u0001${b.label}\u0001${b.hidden ? 1 : 0}\u0001${b.display ?? ''}`).join('\u0002');
  useEffect(() => {
    if (!enabled) return;
    const stable: KeyBinding[] = ref.current.map((b, i) => ({
      ...b,
      run: (e: KeyboardEvent) => (ref.current[i] ?? b).run(e),
    }));
    return registerKeys(scope, stable, { modal: opts.modal });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [scope, shape, enabled, opts.modal]);
}

/** The help overlay's rows: every listed binding of the active layers, newest scope first. */
export function helpRows(layers: KeyLayer[] = useKeyboard.getState().layers): { scope: string; keys: { key: string; label: string }[] }[] {
  const seen = new Set<string>();
  const out: { scope: string; keys: { key: string; label: string }[] }[] = [];
  for (const layer of activeLayers(layers)) {
    const keys: { key: string; label: string }[] = [];
    for (const b of layer.bindings) {
      if (seen.has(b.key)) continue; // shadowed by a newer layer
      seen.add(b.key);
      if (b.hidden) continue;
      keys.push({ key: b.display ?? b.key, label: b.label });
    }
    if (keys.length === 0) continue;
    const same = out.find((g) => g.scope === layer.scope);
    if (same) same.keys.push(...keys);
    else out.push({ scope: layer.scope, keys });
  }
  return out;
}

/** For tests: forget every layer. */
export function resetKeyboard(): void {
  useKeyboard.setState({ layers: [], helpOpen: false });
}
