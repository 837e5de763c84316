/**
 * The "Needs attention" list: conversations the Go side's rules flag (declined, fraud or
 * identity flags, expired documents, a customer waiting, silence after an offer, ended
 * by the customer), most urgent first, each with its reasons. It is reloaded while
 * anything is watching it: on live batches (at most every few seconds) and as the clock
 * moves (waiting and silence depend on it).
 */
import { create } from 'zustand';
import type { AttentionItem } from '../api/types';
import { api, errorMessage } from '../api/client';

export const ATTENTION_LIMIT = 200;
/** The least time between two reloads; a slow list waits twenty times as long as it took. */
export const ATTENTION_REFRESH_MS = 5_000;

export function refreshAfterMs(tookMs: number): number {
  return Math.max(ATTENTION_REFRESH_MS, 20 * tookMs);
}

interface AttentionState {
  items: AttentionItem[];
  total: number;
  loaded: boolean;
  loading: boolean;
  error: string | null;
  loadedAt: number;
  /** How long the last load took. */
  tookMs: number;
  load(): Promise<void>;
  /** Reloads unless the list is younger than ATTENTION_REFRESH_MS. */
  refresh(): Promise<void>;
}

export const useAttention = create<AttentionState>()((set, get) => ({
  items: [],
  total: 0,
  loaded: false,
  loading: false,
  error: null,
  loadedAt: 0,
  tookMs: 0,
  load: async () => {
    if (get().loading) return;
    set({ loading: true });
    const t0 = Date.now();
    try {
      const p = await api().needsAttention(ATTENTION_LIMIT);
      set({ items: p.items, total: p.total, loaded: true, loading: false, error: null, loadedAt: Date.now(), tookMs: Date.now() - t0 });
    } catch (e) {
      set({ loading: false, error: errorMessage(e), loadedAt: Date.now(), tookMs: Date.now() - t0 });
    }
  },
  refresh: async () => {
    if (Date.now() - get().loadedAt < refreshAfterMs(get().tookMs)) return;
    await get().load();
  },
}));

/** The id of the attention item after `current` (the first when current is not one), or null. */
export function nextAttention(items: AttentionItem[], current: string | null): string | null {
  if (items.length === 0) return null;
  const at = current ? items.findIndex((it) => it.card.id === current) : -1;
  return items[(at + 1) % items.length].card.id;
}

export function resetAttention(): void {
  useAttention.setState({ items: [], total: 0, loaded: false, loading: false, error: null, loadedAt: 0, tookMs: 0 });
}
