/** The audit log: who did what and when, newest first, a page at a time. */
import { create } from 'zustand';
import { api, errorMessage } from '../api/client';
import type { AuditEntry } from '../api/types';

export const AUDIT_PAGE = 50;

export interface AuditFilter {
  actor: string;
  action: string;
}

interface AuditState {
  filter: AuditFilter;
  items: AuditEntry[];
  nextCursor: string | null;
  loaded: boolean;
  loading: boolean;
  loadingMore: boolean;
  error: string | null;
  setFilter(f: AuditFilter): Promise<void>;
  load(): Promise<void>;
  loadMore(): Promise<void>;
}

const initial = {
  filter: { actor: '', action: '' } as AuditFilter,
  items: [] as AuditEntry[],
  nextCursor: null as string | null,
  loaded: false,
  loading: false,
  loadingMore: false,
  error: null as string | null,
};

export const useAudit = create<AuditState>()((set, get) => ({
  ...initial,
  setFilter: async (filter) => {
    set({ filter });
    await get().load();
  },
  load: async () => {
    const filter = get().filter;
    set({ loading: true, error: null });
    try {
      const p = await api().listAudit({ ...filter, cursor: '', limit: AUDIT_PAGE });
      if (get().filter !== filter) return;
      set({ items: p.items, nextCursor: p.nextCursor, loaded: true, loading: false });
    } catch (e) {
      set({ loading: false, error: errorMessage(e) });
    }
  },
  loadMore: async () => {
    const { nextCursor, filter, loadingMore } = get();
    if (!nextCursor || loadingMore) return;
    set({ loadingMore: true });
    try {
      const p = await api().listAudit({ ...filter, cursor: nextCursor, limit: AUDIT_PAGE });
      set({ items: get().items.concat(p.items), nextCursor: p.nextCursor, loadingMore: false });
    } catch (e) {
      set({ loadingMore: false, error: errorMessage(e) });
    }
  },
}));

export function resetAudit(): void {
  useAudit.setState(initial);
}
