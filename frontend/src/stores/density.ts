/**
 * The signed-in supervisor's grid density (domain/density.ts): read once from the Go
 * side, which keeps it per account on this computer; a change shows at once and is
 * stored behind it (put back, with the reason, if storing fails).
 */
import { create } from 'zustand';
import { api, errorMessage } from '../api/client';
import { nextDensity, type Density } from '../domain/density';

interface DensityState {
  density: Density;
  loaded: boolean;
  /** Why the last change could not be kept. */
  error: string | null;
  load(): Promise<void>;
  choose(d: Density): Promise<void>;
  /** The next density (the grid's key). */
  step(): Promise<void>;
}

const initial = { density: 'comfortable' as Density, loaded: false, error: null as string | null };

export const useDensity = create<DensityState>()((set, get) => ({
  ...initial,
  load: async () => {
    try {
      const density = await api().density();
      // A choice made while this was on its way wins.
      if (!get().loaded) set({ density, loaded: true });
    } catch (e) {
      set({ loaded: true, error: errorMessage(e) });
    }
  },
  choose: async (d) => {
    const before = get().density;
    if (d === before) return;
    set({ density: d, loaded: true, error: null });
    try {
      await api().saveDensity(d);
    } catch (e) {
      if (get().density === d) set({ density: before });
      set({ error: errorMessage(e) });
    }
  },
  step: () => get().choose(nextDensity(get().density)),
}));

/** Loads the density once per sign-in. */
export function ensureDensity(): void {
  const s = useDensity.getState();
  if (!s.loaded) void s.load();
}

export function resetDensity(): void {
  useDensity.setState(initial);
}
