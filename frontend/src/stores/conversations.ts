/**
 * The conversations grid: the loaded pages for the current search + status filter,
 * live updates from `ledger:batch`, status counts and the keyboard selection.
 *
 * Live policy (documented choice):
 * - A card already loaded is replaced in place, whatever the filter.
 * - Without any filter (no search, no status), a card not loaded yet that is newer
 *   than the oldest loaded card (or any card when everything is loaded) is a new
 *   conversation: it is inserted in start-time order, i.e. on top for new ones.
 * - With a filter active the client cannot tell whether the card matches the search,
 *   so it is not inserted; it is counted in `pendingNew` and the grid offers
 *   "N new — refresh", which reloads the first page.
 * - With a status filter, loaded cards whose status (recomputed as time passes) no
 *   longer matches are hidden (see visibleCards), so the grid agrees with the badges.
 */
import { create } from 'zustand';
import { api, errorMessage } from '../api/client';
import { STATUSES, type ConversationCard, type Status, type StatusCounts, type Thresholds } from '../api/types';
import { statusAt } from '../domain/status';

export const PAGE_SIZE = 60;

interface ConversationsState {
  search: string;
  status: Status | '';
  items: ConversationCard[];
  nextCursor: string | null;
  /** A first page has been received for the current filter. */
  loaded: boolean;
  loading: boolean;
  loadingMore: boolean;
  error: string | null;
  loadMoreError: string | null;
  counts: StatusCounts | null;
  /** The search `counts` were made for (they lag a new search until its answer). */
  countsSearch: string | null;
  /** Ids of live conversations not shown because a filter is active. */
  pendingNew: string[];
  selectedId: string | null;

  setSearch(search: string): void;
  setStatus(status: Status | ''): void;
  reload(): Promise<void>;
  loadMore(): Promise<void>;
  refreshCounts(): Promise<void>;
  applyCards(cards: ConversationCard[]): void;
  select(id: string | null): void;
}

const initial = {
  search: '',
  status: '' as Status | '',
  items: [] as ConversationCard[],
  nextCursor: null as string | null,
  loaded: false,
  loading: false,
  loadingMore: false,
  error: null as string | null,
  loadMoreError: null as string | null,
  counts: null as StatusCounts | null,
  countsSearch: null as string | null,
  pendingNew: [] as string[],
  selectedId: null as string | null,
};

/** Bumped on every reload so late answers for an old filter are ignored. */
let generation = 0;
let countsGeneration = 0;

/** id → position, cached per items array. */
const indexCache = new WeakMap<ConversationCard[], Map<string, number>>();
function indexOf(items: ConversationCard[]): Map<string, number> {
  let m = indexCache.get(items);
  if (!m) {
    m = new Map();
    for (let i = 0; i < items.length; i++) m.set(items[i].id, i);
    indexCache.set(items, m);
  }
  return m;
}

function startMs(c: ConversationCard): number {
  const t = Date.parse(c.startedAt);
  return Number.isNaN(t) ? 0 : t;
}

export const useConversations = create<ConversationsState>()((set, get) => ({
  ...initial,

  setSearch: (search) => {
    if (search === get().search) return;
    set({ search });
    void get().reload();
    void get().refreshCounts();
  },

  setStatus: (status) => {
    if (status === get().status) return;
    set({ status });
    void get().reload();
  },

  reload: async () => {
    const gen = ++generation;
    const { search, status } = get();
    set({ loading: true, error: null, loadMoreError: null, pendingNew: [] });
    try {
      const page = await api().listConversations({ search, status, cursor: null, limit: PAGE_SIZE });
      if (gen !== generation) return;
      set({ items: page.items, nextCursor: page.nextCursor, loaded: true, loading: false });
    } catch (e) {
      if (gen !== generation) return;
      set({ loading: false, error: errorMessage(e) });
    }
  },

  loadMore: async () => {
    const { nextCursor, loadingMore, loading, search, status } = get();
    if (!nextCursor || loadingMore || loading) return;
    const gen = generation;
    set({ loadingMore: true, loadMoreError: null });
    try {
      const page = await api().listConversations({ search, status, cursor: nextCursor, limit: PAGE_SIZE });
      if (gen !== generation) return;
      const have = indexOf(get().items);
      const fresh = page.items.filter((c) => !have.has(c.id));
      set({ items: get().items.concat(fresh), nextCursor: page.nextCursor, loadingMore: false });
    } catch (e) {
      if (gen !== generation) return;
      set({ loadingMore: false, loadMoreError: errorMessage(e) });
    }
  },

  refreshCounts: async () => {
    const gen = ++countsGeneration;
    const search = get().search;
    try {
      const counts = await api().statusCounts(search);
      if (gen === countsGeneration) set({ counts, countsSearch: search });
    } catch {
      /* counts are a hint; keep the last ones */
    }
  },

  applyCards: (cards) => {
    if (cards.length === 0) return;
    const { items, search, status, nextCursor, loaded, pendingNew } = get();
    if (!loaded) return;
    const filtered = search !== '' || status !== '';
    const index = indexOf(items);
    let next: ConversationCard[] | null = null;
    const inserts: ConversationCard[] = [];
    const pending = new Set(pendingNew);
    const oldest = items.length ? startMs(items[items.length - 1]) : -Infinity;
    for (const card of cards) {
      const at = index.get(card.id);
      if (at !== undefined) {
        if (!next) next = items.slice();
        next[at] = card;
      } else if (inserts.some((c) => c.id === card.id)) {
        const i = inserts.findIndex((c) => c.id === card.id);
        inserts[i] = card;
      } else if (filtered) {
        pending.add(card.id);
      } else if (nextCursor === null || startMs(card) >= oldest) {
        inserts.push(card);
      }
    }
    const patch: Partial<ConversationsState> = {};
    if (pending.size !== pendingNew.length) patch.pendingNew = [...pending];
    if (next && inserts.length === 0) {
      indexCache.set(next, index); // same positions
      patch.items = next;
    } else if (inserts.length > 0) {
      const base = next ?? items;
      inserts.sort((a, b) => startMs(b) - startMs(a));
      const merged: ConversationCard[] = [];
      let i = 0;
      let j = 0;
      while (i < base.length || j < inserts.length) {
        if (j < inserts.length && (i >= base.length || startMs(inserts[j]) >= startMs(base[i]))) merged.push(inserts[j++]);
        else merged.push(base[i++]);
      }
      patch.items = merged;
    }
    if (Object.keys(patch).length) set(patch);
  },

  select: (id) => set({ selectedId: id }),
}));

/** The cards the grid shows, in order: loaded cards, minus those whose live status left the status filter. */
export function visibleCards(
  items: ConversationCard[],
  status: Status | '',
  now: number,
  th: Thresholds,
): ConversationCard[] {
  if (!status) return items;
  return items.filter((c) => statusAt(c, now, th) === status);
}

/**
 * How many conversations the grid's current search and status filter hold, for
 * "8 of N": exact once every page is loaded (`shown` is the visible list's length);
 * otherwise the status count for this very search, unless it is below what is already
 * shown (a count from before newer conversations arrived); otherwise null (unknown).
 */
export function filteredTotal(
  s: Pick<ConversationsState, 'nextCursor' | 'counts' | 'countsSearch' | 'search' | 'status'>,
  shown: number,
): number | null {
  if (s.nextCursor === null) return shown;
  if (!s.counts || s.countsSearch !== s.search) return null;
  const n = s.status ? s.counts[s.status] : STATUSES.reduce((n, st) => n + s.counts![st], 0);
  return n >= shown ? n : null;
}

export function resetConversations(): void {
  generation++;
  countsGeneration++;
  useConversations.setState(initial);
}
