import { create } from 'zustand';
import { api } from '../api/client';
import type { ConnectionState } from '../api/types';

interface ConnectionStore {
  conn: ConnectionState | null;
  load(): Promise<void>;
  set(c: ConnectionState): void;
}

export const useConnection = create<ConnectionStore>()((set) => ({
  conn: null,
  load: async () => {
    try {
      set({ conn: await api().connection() });
    } catch (e) {
      set({
        conn: {
          state: 'offline',
          stale: true,
          lastAppliedId: '',
          behind: 0,
          catchingUp: false,
          applied: 0,
          error: e instanceof Error ? e.message : String(e),
          redisUrl: '',
          offlineSince: new Date().toISOString(),
          asOf: null,
          firstSync: false,
          percent: 100,
          ratePerSec: 0,
          etaSeconds: null,
          problem: 'The app could not tell the state of its data.',
        },
      });
    }
  },
  set: (c) => set({ conn: c }),
}));

export function resetConnection(): void {
  useConnection.setState({ conn: null });
}
