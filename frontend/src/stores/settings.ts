import { create } from 'zustand';
import { api, errorMessage } from '../api/client';
import type { Settings, Thresholds } from '../api/types';
import { DEFAULT_THRESHOLDS } from '../domain/status';
import { useSession } from './session';

interface SettingsState {
  settings: Settings | null;
  /** Thresholds used for client-side status; defaults until settings load. */
  thresholds: Thresholds;
  loading: boolean;
  error: string | null;
  saving: boolean;
  saveError: string | null;
  /** Epoch ms of the last successful save (for the "Saved" feedback). */
  savedAt: number | null;
  load(): Promise<void>;
  save(s: Settings): Promise<boolean>;
}

const initial = {
  settings: null as Settings | null,
  thresholds: DEFAULT_THRESHOLDS,
  loading: false,
  error: null as string | null,
  saving: false,
  saveError: null as string | null,
  savedAt: null as number | null,
};

function validThresholds(t: Thresholds | null | undefined): Thresholds {
  if (!t || !(t.pausedSeconds > 0) || !(t.softEndSeconds > 0) || !(t.hardEndSeconds > 0)) return DEFAULT_THRESHOLDS;
  return t;
}

export const useSettings = create<SettingsState>()((set, get) => ({
  ...initial,
  load: async () => {
    set({ loading: true, error: null });
    try {
      const s = await api().getSettings();
      set({ settings: s, thresholds: validThresholds(s.thresholds), loading: false });
    } catch (e) {
      set({ loading: false, error: errorMessage(e) });
    }
  },
  save: async (s) => {
    set({ saving: true, saveError: null });
    const before = get().settings?.backendUrl;
    try {
      const saved = await api().saveSettings(s);
      set({ settings: saved, thresholds: validThresholds(saved.thresholds), saving: false, savedAt: Date.now() });
      if (before !== undefined && saved.backendUrl !== before) useSession.getState().backendChanged();
      return true;
    } catch (e) {
      set({ saving: false, saveError: errorMessage(e) });
      return false;
    }
  },
}));

export function resetSettings(): void {
  useSettings.setState(initial);
}

export interface SettingsErrors {
  redisUrl?: string;
  stream?: string;
  backendUrl?: string;
  pausedSeconds?: string;
  softEndSeconds?: string;
  hardEndSeconds?: string;
}

/** Field errors for a settings form; empty when it can be saved. */
export function validateSettings(s: Settings): SettingsErrors {
  const e: SettingsErrors = {};
  const url = s.redisUrl.trim();
  if (!url) e.redisUrl = 'Redis URL is required';
  else if (!/^rediss?:\/\/[^\s]+$/.test(url)) e.redisUrl = 'Use redis://host:port or rediss://host:port';
  if (!s.stream.trim()) e.stream = 'Stream name is required';
  const b = s.backendUrl.trim();
  if (!b) e.backendUrl = 'The backend URL is required: it is where you sign in';
  else if (!/^https?:\/\/[^\s]+$/.test(b)) e.backendUrl = 'Use an http:// or https:// URL';
  const t = s.thresholds;
  const whole = (v: number) => Number.isInteger(v) && v > 0;
  if (!whole(t.pausedSeconds)) e.pausedSeconds = 'A whole number of seconds above 0';
  if (!whole(t.softEndSeconds)) e.softEndSeconds = 'A whole number of seconds above 0';
  else if (whole(t.pausedSeconds) && t.softEndSeconds <= t.pausedSeconds)
    e.softEndSeconds = 'Must be longer than the paused threshold';
  if (!whole(t.hardEndSeconds)) e.hardEndSeconds = 'A whole number of seconds above 0';
  else if (whole(t.softEndSeconds) && t.hardEndSeconds <= t.softEndSeconds)
    e.hardEndSeconds = 'Must be longer than the soft-end threshold';
  return e;
}
