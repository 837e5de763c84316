/**
 * The conversations grid: the loaded pages for the current search + status filter,
 * live updates from `ledger:batch`, status counts and the keyboard selection.
 *
 * Live policy:
 * - A card already loaded is replaced in place, whatever the filter.
 * - Without a search, a card not loaded yet is inserted in start-time order (on top
 *   for new ones) when it is within the loaded range and, with a status filter, has
 *   that status at the data clock's instant.
 * - With a search the client cannot tell whether a card matches, so the loaded range
 *   is fetched again quietly (debounced): no "outside this view" banner.
 * - Time changes statuses without any event: with a status filter, the loaded range
 *   and the counts are fetched again for every instant of the data clock before it
 *   moves (see stores/dataClock), so the grid and its chip count always agree.
 */
import { create } from 'zustand';
import { api, errorMessage } from '../api/client';
import { STATUSES, type ConversationCard, type Status, type StatusCounts, type Thresholds } from '../api/types';
import { statusAt } from '../domain/status';
import { onClockAdvance, useDataClock } from './dataClock';
import { useSettings } from './settings';

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

function clockIso(at: number = useDataClock.getState().now): string {
  return new Date(at).toISOString();
}

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
      const page = await api().listConversations({ search, status, cursor: null, limit: PAGE_SIZE, at: clockIso() });
      if (gen !== generation) return;
      set({ items: page.items, nextCursor: page.nextCursor, loaded: true, loading: false });
      if (status) void get().refreshCounts();
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
      const page = await api().listConversations({ search, status, cursor: nextCursor, limit: PAGE_SIZE, at: clockIso() });
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
    const { search, status } = get();
    try {
      // With a status filter the chip must count what the list shows: same instant.
      const counts = await api().statusCounts(search, status ? clockIso() : null);
      if (gen === countsGeneration) set({ counts, countsSearch: search });
    } catch {
      /* counts are a hint; keep the last ones */
    }
  },

  applyCards: (cards) => {
    if (cards.length === 0) return;
    const { items, search, status, nextCursor, loaded, pendingNew } = get();
    void pendingNew;
    if (!loaded) return;
    const now = useDataClock.getState().now;
    const th = useSettings.getState().thresholds;
    const index = indexOf(items);
    let unknown = false;
    let next: ConversationCard[] | null = null;
    const inserts: ConversationCard[] = [];
    const oldest = items.length ? startMs(items[items.length - 1]) : -Infinity;
    for (const card of cards) {
      const at = index.get(card.id);
      if (at !== undefined) {
        if (!next) next = items.slice();
        next[at] = card;
      } else if (inserts.some((c) => c.id === card.id)) {
        const i = inserts.findIndex((c) => c.id === card.id);
        inserts[i] = card;
      } else if (search !== '') {
        unknown = true;
      } else if ((nextCursor === null || startMs(card) >= oldest) && (!status || statusAt(card, now, th) === status)) {
        inserts.push(card);
      }
    }
    if (unknown) scheduleQuietRefresh();
    const patch: Partial<ConversationsState> = {};
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
  if (quietTimer) clearTimeout(quietTimer);
  quietTimer = null;
  generation++;
  countsGeneration++;
  useConversations.setState(initial);
}

/**
 * Fetches the loaded range again (same filter, same length) at the instant `at`, with
 * the counts at that instant; returns the change to apply, or nothing when the filter
 * changed meanwhile.
 */
async function fetchLoadedRange(at: number): Promise<(() => void) | void> {
  const st = useConversations.getState();
  if (!st.loaded) return;
  const gen = generation;
  const { search, status } = st;
  const want = Math.max(PAGE_SIZE, st.items.length);
  const iso = clockIso(at);
  const countsP = api().statusCounts(search, status ? iso : null);
  let items: ConversationCard[] = [];
  let cursor: string | null = null;
  do {
    const page = await api().listConversations({ search, status, cursor, limit: Math.min(MAX_PAGE, want - items.length), at: iso });
    const have = indexOf(items);
    items = items.concat(page.items.filter((c) => !have.has(c.id)));
    cursor = page.nextCursor;
  } while (cursor !== null && items.length < want);
  const counts = await countsP;
  return () => {
    if (gen !== generation) return;
    useConversations.setState({ items, nextCursor: cursor, counts, countsSearch: search });
  };
}

/** The Go side's largest page (supervisor.MaxPage). */
const MAX_PAGE = 500;

let quietTimer: ReturnType<typeof setTimeout> | null = null;
const QUIET_REFRESH_MS = 1000;

/** A search view fetches its loaded range again shortly after live changes it cannot place. */
function scheduleQuietRefresh(): void {
  if (quietTimer) return;
  quietTimer = setTimeout(() => {
    quietTimer = null;
    void fetchLoadedRange(useDataClock.getState().now).then((commit) => commit && commit());
  }, QUIET_REFRESH_MS);
}

/**
 * Keeps a status-filtered grid true to the clock: before the data clock moves, its
 * loaded range and counts are fetched for the new instant. Returns the unsubscribe.
 */
export function followClock(): () => void {
  return onClockAdvance(async (at) => {
    const st = useConversations.getState();
    if (!st.status || !st.loaded) return;
    return fetchLoadedRange(at);
  });
}
