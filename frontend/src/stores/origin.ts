/**
 * Where a conversation was opened from, so its Prev/Next step through that list and
 * Back returns there: the grid (null: the grid's own live list), or a customer's or an
 * application's page with the conversations it listed.
 */
import { create } from 'zustand';
import { navigate, type Route } from './router';

export interface Origin {
  route: Route;
  /** "Konstantinos Papadopoulos", "APP-1234": the Back button says where it goes. */
  label: string;
  ids: string[];
}

export const useOrigin = create<{ origin: Origin | null }>()(() => ({ origin: null }));

/** Opens a conversation from a list other than the grid. */
export function openFrom(origin: Origin, id: string): void {
  useOrigin.setState({ origin });
  navigate({ name: 'conversation', id });
}

/** Opens a conversation from the grid. */
export function openFromGrid(id: string): void {
  useOrigin.setState({ origin: null });
  navigate({ name: 'conversation', id });
}

/** Prev/next within an origin's list (null at the ends or when not in it). */
export function neighboursIn(ids: string[], id: string): { prev: string | null; next: string | null; pos: number } {
  const at = ids.indexOf(id);
  if (at < 0) return { prev: null, next: null, pos: -1 };
  return { prev: at > 0 ? ids[at - 1] : null, next: at < ids.length - 1 ? ids[at + 1] : null, pos: at };
}

export function resetOrigin(): void {
  useOrigin.setState({ origin: null });
}
