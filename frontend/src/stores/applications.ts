import { create } from 'zustand';
import { api, errorMessage } from '../api/client';
import type { ApplicationDetail, ApplicationRow, ApplicationStatus, LedgerBatch } from '../api/types';

export const APPLICATION_PAGE = 50;
const REFETCH_MS = 500;

interface ApplicationsState {
  status: ApplicationStatus | '';
  search: string;
  items: ApplicationRow[];
  nextCursor: string | null;
  loaded: boolean;
  loading: boolean;
  loadingMore: boolean;
  error: string | null;

  detailNumber: string | null;
  detail: ApplicationDetail | null;
  detailLoading: boolean;
  detailError: string | null;

  setFilter(f: { status?: ApplicationStatus | ''; search?: string }): void;
  reload(): Promise<void>;
  loadMore(): Promise<void>;
  open(num: string): Promise<void>;
  reloadDetail(): Promise<void>;
  applyBatch(b: LedgerBatch): void;
}

const initial = {
  status: '' as ApplicationStatus | '',
  search: '',
  items: [] as ApplicationRow[],
  nextCursor: null as string | null,
  loaded: false,
  loading: false,
  loadingMore: false,
  error: null as string | null,
  detailNumber: null as string | null,
  detail: null as ApplicationDetail | null,
  detailLoading: false,
  detailError: null as string | null,
};

let listGen = 0;
let detailGen = 0;
let detailTimer: ReturnType<typeof setTimeout> | null = null;
let listTimer: ReturnType<typeof setTimeout> | null = null;

export const useApplications = create<ApplicationsState>()((set, get) => {
  const fetchDetail = async (num: string, showLoading: boolean) => {
    const gen = ++detailGen;
    if (showLoading) set({ detailLoading: true, detailError: null });
    try {
      const d = await api().getApplication(num);
      if (gen !== detailGen) return;
      set({ detail: d, detailLoading: false, detailError: null });
    } catch (e) {
      if (gen !== detailGen) return;
      if (showLoading || !get().detail) set({ detailLoading: false, detailError: errorMessage(e) });
    }
  };

  /** Refreshes the loaded rows in one call, keeping the scroll length. */
  const refreshList = async () => {
    const gen = ++listGen;
    const { status, search, items } = get();
    const limit = Math.min(Math.max(items.length, APPLICATION_PAGE), 500);
    try {
      const p = await api().listApplications({ status, search: search.trim(), cursor: null, limit });
      if (gen !== listGen) return;
      set({ items: p.items, nextCursor: p.nextCursor });
    } catch {
      /* keep the rows shown */
    }
  };

  return {
    ...initial,
    setFilter: (f) => {
      const status = f.status ?? get().status;
      const search = f.search ?? get().search;
      if (status === get().status && search === get().search && get().loaded) return;
      set({ status, search });
      void get().reload();
    },
    reload: async () => {
      const gen = ++listGen;
      const { status, search } = get();
      set({ loading: true, error: null });
      try {
        const p = await api().listApplications({ status, search: search.trim(), cursor: null, limit: APPLICATION_PAGE });
        if (gen !== listGen) return;
        set({ items: p.items, nextCursor: p.nextCursor, loaded: true, loading: false });
      } catch (e) {
        if (gen !== listGen) return;
        set({ loading: false, error: errorMessage(e) });
      }
    },
    loadMore: async () => {
      const { nextCursor, loadingMore, status, search } = get();
      if (!nextCursor || loadingMore) return;
      const gen = listGen;
      set({ loadingMore: true });
      try {
        const p = await api().listApplications({ status, search: search.trim(), cursor: nextCursor, limit: APPLICATION_PAGE });
        if (gen !== listGen) return;
        set({ items: get().items.concat(p.items), nextCursor: p.nextCursor, loadingMore: false });
      } catch (e) {
        if (gen !== listGen) return;
        set({ loadingMore: false, error: errorMessage(e) });
      }
    },
    open: async (num) => {
      if (get().detailNumber === num && get().detail) {
        void fetchDetail(num, false);
        return;
      }
      set({ detailNumber: num, detail: null });
      await fetchDetail(num, true);
    },
    reloadDetail: async () => {
      const n = get().detailNumber;
      if (n) await fetchDetail(n, !get().detail);
    },
    applyBatch: (b) => {
      if (b.applications.length === 0 && b.customers.length === 0 && b.conversations.length === 0) return;
      const { detailNumber, detail, items, loaded } = get();
      if (detailNumber && detail) {
        const convIds = new Set(detail.conversations.map((c) => c.id));
        const touched =
          b.applications.includes(detailNumber) ||
          (detail.customer && b.customers.includes(detail.customer.id)) ||
          b.conversations.some((c) => convIds.has(c.id) || c.applicationNumber === detailNumber);
        if (touched) {
          if (detailTimer !== null) clearTimeout(detailTimer);
          detailTimer = setTimeout(() => {
            detailTimer = null;
            if (get().detailNumber === detailNumber) void fetchDetail(detailNumber, false);
          }, REFETCH_MS);
        }
      }
      if (loaded && b.applications.length) {
        const shown = new Set(items.map((a) => a.number));
        const unfiltered = get().status === '' && get().search.trim() === '';
        if (unfiltered || b.applications.some((n) => shown.has(n))) {
          if (listTimer !== null) clearTimeout(listTimer);
          listTimer = setTimeout(() => {
            listTimer = null;
            void refreshList();
          }, REFETCH_MS * 2);
        }
      }
    },
  };
});

export function resetApplications(): void {
  listGen++;
  detailGen++;
  if (detailTimer !== null) clearTimeout(detailTimer);
  if (listTimer !== null) clearTimeout(listTimer);
  detailTimer = null;
  listTimer = null;
  useApplications.setState(initial);
}
