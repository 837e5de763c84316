import { create } from 'zustand';
import { api, errorMessage } from '../api/client';
import type { CustomerDetail, CustomerRow, LedgerBatch } from '../api/types';

export const CUSTOMER_PAGE = 50;
const REFETCH_MS = 500;

interface CustomersState {
  query: string;
  items: CustomerRow[];
  nextCursor: string | null;
  loaded: boolean;
  loading: boolean;
  loadingMore: boolean;
  error: string | null;

  detailId: string | null;
  detail: CustomerDetail | null;
  detailLoading: boolean;
  detailError: string | null;

  search(q: string): Promise<void>;
  loadMore(): Promise<void>;
  open(id: string): Promise<void>;
  reloadDetail(): Promise<void>;
  applyBatch(b: LedgerBatch): void;
}

const initial = {
  query: '',
  items: [] as CustomerRow[],
  nextCursor: null as string | null,
  loaded: false,
  loading: false,
  loadingMore: false,
  error: null as string | null,
  detailId: null as string | null,
  detail: null as CustomerDetail | null,
  detailLoading: false,
  detailError: null as string | null,
};

let listGen = 0;
let detailGen = 0;
let timer: ReturnType<typeof setTimeout> | null = null;

export const useCustomers = create<CustomersState>()((set, get) => {
  const fetchDetail = async (id: string, showLoading: boolean) => {
    const gen = ++detailGen;
    if (showLoading) set({ detailLoading: true, detailError: null });
    try {
      const d = await api().getCustomer(id);
      if (gen !== detailGen) return;
      set({ detail: d, detailLoading: false, detailError: null });
    } catch (e) {
      if (gen !== detailGen) return;
      if (showLoading || !get().detail) set({ detailLoading: false, detailError: errorMessage(e) });
    }
  };
  return {
    ...initial,
    search: async (q) => {
      const gen = ++listGen;
      set({ query: q, loading: true, error: null });
      try {
        const p = await api().searchCustomers(q.trim(), null, CUSTOMER_PAGE);
        if (gen !== listGen) return;
        set({ items: p.items, nextCursor: p.nextCursor, loaded: true, loading: false });
      } catch (e) {
        if (gen !== listGen) return;
        set({ loading: false, error: errorMessage(e) });
      }
    },
    loadMore: async () => {
      const { nextCursor, loadingMore, query } = get();
      if (!nextCursor || loadingMore) return;
      const gen = listGen;
      set({ loadingMore: true });
      try {
        const p = await api().searchCustomers(query.trim(), nextCursor, CUSTOMER_PAGE);
        if (gen !== listGen) return;
        set({ items: get().items.concat(p.items), nextCursor: p.nextCursor, loadingMore: false });
      } catch (e) {
        if (gen !== listGen) return;
        set({ loadingMore: false, error: errorMessage(e) });
      }
    },
    open: async (id) => {
      if (get().detailId === id && get().detail) {
        void fetchDetail(id, false);
        return;
      }
      set({ detailId: id, detail: null });
      await fetchDetail(id, true);
    },
    reloadDetail: async () => {
      const id = get().detailId;
      if (id) await fetchDetail(id, !get().detail);
    },
    applyBatch: (b) => {
      const { detailId, detail } = get();
      if (!detailId || !detail) return;
      const cards = b.conversations.filter((c) => c.customerId === detailId);
      if (cards.length) {
        const byId = new Map(cards.map((c) => [c.id, c]));
        const conversations = detail.conversations.map((c) => byId.get(c.id) ?? c);
        set({ detail: { ...detail, conversations } });
      }
      const apps = new Set(detail.applications.map((a) => a.number));
      const known = new Set(detail.conversations.map((c) => c.id));
      if (
        b.customers.includes(detailId) ||
        b.applications.some((n) => apps.has(n)) ||
        cards.some((c) => !known.has(c.id))
      ) {
        if (timer !== null) clearTimeout(timer);
        timer = setTimeout(() => {
          timer = null;
          if (get().detailId === detailId) void fetchDetail(detailId, false);
        }, REFETCH_MS);
      }
    },
  };
});

export function resetCustomers(): void {
  listGen++;
  detailGen++;
  if (timer !== null) clearTimeout(timer);
  timer = null;
  useCustomers.setState(initial);
}
