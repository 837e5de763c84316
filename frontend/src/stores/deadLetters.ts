/**
 * The dead letters screen: a filtered, paged list, the selection, the open detail and
 * the retry and drop actions (one, the selected, or every one matching the filter).
 */
import { create } from 'zustand';
import { api, errorMessage } from '../api/client';
import type { DeadLetter, DeadLetterDetail, DeadLetterFilter, DeadLetterSelection } from '../api/types';

export const PAGE_SIZE = 100;

export type DeadLetterAction = 'retry' | 'drop';
/** Which dead letters an action applies to. */
export type ActionScope = { kind: 'one'; id: string } | { kind: 'selected' } | { kind: 'matching' };

export const emptyFilter: DeadLetterFilter = { reason: '', type: '', since: '', until: '' };

export function filterActive(f: DeadLetterFilter): boolean {
  return Boolean(f.reason.trim() || f.type.trim() || f.since || f.until);
}

interface DeadLettersState {
  filter: DeadLetterFilter;
  items: DeadLetter[];
  total: number;
  nextCursor: string | null;
  loaded: boolean;
  loading: boolean;
  loadingMore: boolean;
  error: string | null;
  selected: string[];
  detailId: string | null;
  detail: DeadLetterDetail | null;
  detailLoading: boolean;
  detailError: string | null;
  busy: boolean;
  notice: string | null;
  actionError: string | null;
  setFilter(f: DeadLetterFilter): Promise<void>;
  load(): Promise<void>;
  loadMore(): Promise<void>;
  toggle(id: string): void;
  toggleAll(): void;
  open(id: string): Promise<void>;
  close(): void;
  /** How many dead letters `scope` means, for the confirmation. */
  countOf(scope: ActionScope): number;
  act(action: DeadLetterAction, scope: ActionScope): Promise<boolean>;
}

const initial = {
  filter: emptyFilter,
  items: [] as DeadLetter[],
  total: 0,
  nextCursor: null as string | null,
  loaded: false,
  loading: false,
  loadingMore: false,
  error: null as string | null,
  selected: [] as string[],
  detailId: null as string | null,
  detail: null as DeadLetterDetail | null,
  detailLoading: false,
  detailError: null as string | null,
  busy: false,
  notice: null as string | null,
  actionError: null as string | null,
};

function query(f: DeadLetterFilter, cursor: string) {
  return { reason: f.reason.trim(), type: f.type.trim(), since: f.since, until: f.until, cursor, limit: PAGE_SIZE };
}

function selectionOf(scope: ActionScope, s: { selected: string[]; filter: DeadLetterFilter }): DeadLetterSelection {
  switch (scope.kind) {
    case 'one':
      return { ids: [scope.id], all: null, filter: null };
    case 'selected':
      return { ids: [...s.selected], all: null, filter: null };
    case 'matching':
      return filterActive(s.filter)
        ? { ids: null, all: null, filter: { ...s.filter, reason: s.filter.reason.trim(), type: s.filter.type.trim() } }
        : { ids: null, all: true, filter: null };
  }
}

export const useDeadLetters = create<DeadLettersState>()((set, get) => ({
  ...initial,
  setFilter: async (filter) => {
    set({ filter, selected: [] });
    await get().load();
  },
  load: async () => {
    const filter = get().filter;
    set({ loading: true, error: null });
    try {
      const p = await api().listDeadLetters(query(filter, ''));
      if (get().filter !== filter) return; // a newer filter's load is under way
      const ids = new Set(p.items.map((d) => d.id));
      set({
        items: p.items,
        total: p.total,
        nextCursor: p.nextCursor,
        loaded: true,
        loading: false,
        selected: get().selected.filter((id) => ids.has(id)),
      });
    } catch (e) {
      set({ loading: false, error: errorMessage(e) });
    }
  },
  loadMore: async () => {
    const { nextCursor, filter, loadingMore } = get();
    if (!nextCursor || loadingMore) return;
    set({ loadingMore: true });
    try {
      const p = await api().listDeadLetters(query(filter, nextCursor));
      const have = new Set(get().items.map((d) => d.id));
      set({
        items: get().items.concat(p.items.filter((d) => !have.has(d.id))),
        total: p.total,
        nextCursor: p.nextCursor,
        loadingMore: false,
      });
    } catch (e) {
      set({ loadingMore: false, actionError: errorMessage(e) });
    }
  },
  toggle: (id) => {
    const sel = get().selected;
    set({ selected: sel.includes(id) ? sel.filter((x) => x !== id) : sel.concat(id) });
  },
  toggleAll: () => {
    const { items, selected } = get();
    set({ selected: selected.length === items.length ? [] : items.map((d) => d.id) });
  },
  open: async (id) => {
    set({ detailId: id, detail: null, detailLoading: true, detailError: null });
    try {
      const detail = await api().getDeadLetter(id);
      if (get().detailId === id) set({ detail, detailLoading: false });
    } catch (e) {
      if (get().detailId === id) set({ detailLoading: false, detailError: errorMessage(e) });
    }
  },
  close: () => set({ detailId: null, detail: null, detailLoading: false, detailError: null }),
  countOf: (scope) => {
    if (scope.kind === 'one') return 1;
    if (scope.kind === 'selected') return get().selected.length;
    return get().total;
  },
  act: async (action, scope) => {
    const sel = selectionOf(scope, get());
    set({ busy: true, notice: null, actionError: null });
    try {
      let notice: string;
      if (action === 'retry') {
        const r = await api().retryDeadLetters(sel);
        notice =
          `Retried ${plural(r.retried, 'dead letter')}: ${r.applied} applied` +
          (r.stillDead ? `, ${r.stillDead} still failing` : '');
      } else {
        const r = await api().dropDeadLetters(sel);
        notice = `Dropped ${plural(r.dropped, 'dead letter')} (kept in the audit log)`;
      }
      const gone = scope.kind === 'one' ? [scope.id] : scope.kind === 'selected' ? sel.ids ?? [] : null;
      const detailId = get().detailId;
      if (detailId && (gone === null || gone.includes(detailId))) get().close();
      set({ busy: false, notice, selected: [] });
      await get().load();
      if (get().detailId) void get().open(get().detailId as string);
      return true;
    } catch (e) {
      set({ busy: false, actionError: errorMessage(e) });
      return false;
    }
  },
}));

export function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-AU')} ${word}${n === 1 ? '' : 's'}`;
}

export function resetDeadLetters(): void {
  useDeadLetters.setState(initial);
}
