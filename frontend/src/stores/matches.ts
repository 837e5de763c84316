/**
 * Why each card of a search matched: the field and its text with the matching words
 * marked, asked of the Go side for the cards a search shows (after the page arrives, so
 * the search itself stays as fast as before).
 */
import { useEffect } from 'react';
import { create } from 'zustand';
import type { SearchMatch } from '../api/types';
import { api } from '../api/client';
import { useConversations } from './conversations';

interface MatchesState {
  /** The search the matches are for. */
  search: string;
  byId: Record<string, SearchMatch>;
  asked: Record<string, true>;
}

export const useMatches = create<MatchesState>()(() => ({ search: '', byId: {}, asked: {} }));

/** Asks why each of ids matched search, for the ones not asked yet. */
export async function explain(search: string, ids: string[]): Promise<void> {
  const s = useMatches.getState();
  if (s.search !== search) useMatches.setState({ search, byId: {}, asked: {} });
  const asked = useMatches.getState().asked;
  const todo = ids.filter((id) => !asked[id]);
  if (!search.trim() || todo.length === 0) return;
  useMatches.setState((st) => ({ asked: { ...st.asked, ...Object.fromEntries(todo.map((id) => [id, true as const])) } }));
  try {
    const got = await api().explainMatches(search, todo);
    if (useMatches.getState().search === search) useMatches.setState((st) => ({ byId: { ...st.byId, ...got } }));
  } catch {
    // A card without an explanation shows its last message, as without a search.
  }
}

/** Keeps the grid's search results explained. */
export function useSearchMatches(): void {
  const search = useConversations((s) => s.search);
  const items = useConversations((s) => s.items);
  useEffect(() => {
    if (!search.trim()) {
      if (useMatches.getState().search) useMatches.setState({ search: '', byId: {}, asked: {} });
      return;
    }
    void explain(
      search,
      items.map((c) => c.id),
    );
  }, [search, items]);
}

/** The match of a card under the current search, if any. */
export function useMatch(id: string): SearchMatch | undefined {
  const search = useConversations((s) => s.search);
  return useMatches((s) => (s.search === search && search ? s.byId[id] : undefined));
}
