import { create } from 'zustand';

/** The sections of a conversation's right column, in key order (1-5). */
export const SIDE_TABS = ['overview', 'application', 'identity', 'credit', 'all'] as const;
export type SideTab = (typeof SIDE_TABS)[number];

export const SIDE_TAB_LABELS: Record<SideTab, string> = {
  overview: 'Overview',
  application: 'Application',
  identity: 'Identity',
  credit: 'Credit',
  all: 'Everything',
};

interface SideTabState {
  tab: SideTab;
  setTab: (t: SideTab) => void;
}

/** The right column's open section; kept while stepping from one conversation to the next. */
export const useSideTab = create<SideTabState>((set) => ({
  tab: 'overview',
  setTab: (tab) => set({ tab }),
}));
