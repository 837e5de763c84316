import { create } from 'zustand';
import { api, errorMessage } from '../api/client';
import type { SessionInfo } from '../api/types';

export type SessionPhase = 'loading' | 'signedOut' | 'signedIn';

interface SessionState {
  phase: SessionPhase;
  session: SessionInfo | null;
  /** Error shown on the sign-in screen. */
  error: string | null;
  signingIn: boolean;
  /** Restores a saved session on start. */
  init(): Promise<void>;
  signIn(email: string, password: string): Promise<boolean>;
  signOut(): Promise<void>;
  /** Local sign-out when the session's expiry time has passed. */
  expire(): void;
  /** The backend URL changed: the app ended the session (it is bound to the old URL). */
  backendChanged(): void;
}

const initial = {
  phase: 'loading' as SessionPhase,
  session: null as SessionInfo | null,
  error: null as string | null,
  signingIn: false,
};

export const useSession = create<SessionState>()((set, get) => ({
  ...initial,
  init: async () => {
    set({ phase: 'loading', error: null });
    try {
      const s = await api().session();
      set(s ? { phase: 'signedIn', session: s } : { phase: 'signedOut', session: null });
    } catch {
      set({ phase: 'signedOut', session: null });
    }
  },
  signIn: async (email, password) => {
    if (get().signingIn) return false;
    set({ signingIn: true, error: null });
    try {
      const s = await api().signIn(email.trim(), password);
      set({ phase: 'signedIn', session: s, signingIn: false, error: null });
      return true;
    } catch (e) {
      set({ signingIn: false, error: errorMessage(e) });
      return false;
    }
  },
  signOut: async () => {
    try {
      await api().signOut();
    } catch {
      /* signing out locally is what matters */
    }
    set({ phase: 'signedOut', session: null, error: null });
  },
  expire: () => {
    set({ phase: 'signedOut', session: null, error: 'Your session has expired. Please sign in again.' });
    api()
      .signOut()
      .catch(() => {});
  },
  backendChanged: () => {
    if (get().phase !== 'signedIn') return;
    set({ phase: 'signedOut', session: null, error: 'The backend URL changed. Please sign in again.' });
  },
}));

export function resetSession(): void {
  useSession.setState(initial);
}

export function isAdmin(s: SessionInfo | null): boolean {
  return s?.role === 'admin';
}
