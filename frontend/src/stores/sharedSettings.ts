/**
 * The settings every desktop shares (ledger Redis URL and stream, status thresholds):
 * from the backend after sign-in, applied by the Go side; admins change them for
 * everyone, supervisors only read them. Personal preferences stay local.
 */
import { create } from 'zustand';
import { api, errorMessage } from '../api/client';
import type { SharedSettings } from '../api/types';
import { useSettings } from './settings';

interface SharedSettingsState {
  shared: SharedSettings | null;
  /** Why they could not be fetched (the desktop keeps its last ones). */
  error: string | null;
  saving: boolean;
  saveError: string | null;
  savedAt: number | null;
  load(): Promise<void>;
  save(s: SharedSettings): Promise<boolean>;
}

const initial = { shared: null, error: null, saving: false, saveError: null, savedAt: null };

export const useSharedSettings = create<SharedSettingsState>()((set) => ({
  ...initial,
  load: async () => {
    try {
      const shared = await api().sharedSettings();
      set({ shared, error: null });
    } catch (e) {
      set({ error: errorMessage(e) });
    }
    // Applied by Go: the local settings (and the thresholds statuses use) follow.
    await useSettings.getState().load();
  },
  save: async (s) => {
    set({ saving: true, saveError: null });
    try {
      const shared = await api().saveSharedSettings(s);
      set({ shared, saving: false, savedAt: Date.now() });
      await useSettings.getState().load();
      return true;
    } catch (e) {
      set({ saving: false, saveError: errorMessage(e) });
      return false;
    }
  },
}));

export function resetSharedSettings(): void {
  useSharedSettings.setState(initial);
}
