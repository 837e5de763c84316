import { create } from 'zustand';
import { api, errorMessage } from '../api/client';
import type { About } from '../api/types';

/** The build's identity and the machine-wide defaults' state: asked once, they do not change while the app runs. */
interface AboutState {
  about: About | null;
  error: string | null;
  load(): Promise<void>;
}

export const useAbout = create<AboutState>()((set, get) => ({
  about: null,
  error: null,
  load: async () => {
    if (get().about) return;
    try {
      set({ about: await api().about(), error: null });
    } catch (e) {
      set({ error: errorMessage(e) });
    }
  },
}));

/** Forgets what was read (tests). */
export function resetAbout(): void {
  useAbout.setState({ about: null, error: null });
}
