/**
 * The signed-in supervisor's saved views: named grid filters (search text, scopes
 * included, and a status), kept per supervisor on this computer by the Go side. Each
 * view's count is the grid's own count query (statusCounts for the view's search, the
 * view's status picked out), so a view's count and the grid it opens agree.
 */
import { create } from 'zustand';
import { api, errorMessage } from '../api/client';
import { STATUSES, type SavedView, type Status, type StatusCounts } from '../api/types';
import { useConversations } from './conversations';
import { useDataClock } from './dataClock';

interface SavedViewsState {
  views: SavedView[];
  loaded: boolean;
  error: string | null;
  /** Status counts per distinct search of the views. */
  counts: Record<string, StatusCounts>;
  load(): Promise<void>;
  /** Saves the grid's current filter under `name`; returns the error to show, or null. */
  saveCurrent(name: string): Promise<string | null>;
  rename(id: number, name: string): Promise<string | null>;
  remove(id: number): Promise<string | null>;
  refreshCounts(): Promise<void>;
}

export const useSavedViews = create<SavedViewsState>()((set, get) => ({
  views: [],
  loaded: false,
  error: null,
  counts: {},
  load: async () => {
    try {
      set({ views: await api().savedViews(), loaded: true, error: null });
      void get().refreshCounts();
    } catch (e) {
      set({ loaded: true, error: errorMessage(e) });
    }
  },
  saveCurrent: async (name) => {
    const { search, status } = useConversations.getState();
    try {
      const v = await api().saveView({ id: 0, name, search, status });
      set({ views: get().views.concat(v) });
      void get().refreshCounts();
      return null;
    } catch (e) {
      return errorMessage(e);
    }
  },
  rename: async (id, name) => {
    const v = get().views.find((x) => x.id === id);
    if (!v) return 'This view no longer exists';
    try {
      const saved = await api().saveView({ ...v, name });
      set({ views: get().views.map((x) => (x.id === id ? saved : x)) });
      return null;
    } catch (e) {
      return errorMessage(e);
    }
  },
  remove: async (id) => {
    try {
      await api().deleteView(id);
      set({ views: get().views.filter((x) => x.id !== id) });
      return null;
    } catch (e) {
      return errorMessage(e);
    }
  },
  refreshCounts: async () => {
    // "" too: the "All conversations" entry.
    const searches = [...new Set(['', ...get().views.map((v) => v.search)])];
    if (searches.length === 0) return;
    // Live: now, which the Go side caches per search (a common word takes long to
    // count, and every view is counted every 10 s). Offline or catching up: at the
    // data's "as of" instant, as the grid counts then.
    const clock = useDataClock.getState();
    const at = clock.state.kind === 'live' ? null : new Date(clock.now).toISOString();
    const got = await Promise.all(
      searches.map(async (s) => {
        try {
          return [s, await api().statusCounts(s, at)] as const;
        } catch {
          return null; // a count is a hint; keep the last one
        }
      }),
    );
    const counts = { ...get().counts };
    for (const g of got) if (g) counts[g[0]] = g[1];
    set({ counts });
  },
}));

/** How many conversations `counts` give a view of status `status` ("" = any). */
export function countFor(counts: StatusCounts | undefined, status: Status | ''): number | null {
  if (!counts) return null;
  return status ? counts[status] : STATUSES.reduce((n, s) => n + counts[s], 0);
}

/** Whether the grid shows exactly this view's filter. */
export function isActive(v: SavedView, grid: { search: string; status: Status | '' }): boolean {
  return v.search.trim() === grid.search.trim() && v.status === grid.status;
}

/** Shows the view in the grid. */
export function applyView(v: SavedView): void {
  const g = useConversations.getState();
  if (isActive(v, g)) return;
  useConversations.setState({ search: v.search, status: v.status });
  void g.reload();
  void g.refreshCounts();
}

/** A name to offer for the grid's current filter. */
export function suggestName(search: string, status: Status | ''): string {
  const parts = [status, search.trim() ? `“${search.trim()}”` : ''].filter(Boolean);
  return parts.join(' · ');
}

export function resetSavedViews(): void {
  useSavedViews.setState({ views: [], loaded: false, error: null, counts: {} });
}
