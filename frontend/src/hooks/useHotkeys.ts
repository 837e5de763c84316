import { useKeys } from '../keyboard';

export type HotkeyMap = Partial<Record<string, (e: KeyboardEvent) => void>>;

/**
 * Single-key shortcuts without words for the help overlay (kept for screens not yet
 * describing their keys): registered in the keyboard registry as hidden bindings.
 */
export function useHotkeys(map: HotkeyMap, enabled = true): void {
  const bindings = Object.entries(map)
    .filter((kv): kv is [string, (e: KeyboardEvent) => void] => kv[1] !== undefined)
    .map(([key, run]) => ({ key, label: key, run, hidden: true }));
  useKeys('This screen', bindings, { enabled });
}
