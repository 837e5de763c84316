import { create } from 'zustand';
import { api, errorMessage } from '../api/client';
import type { NewUser, User, UserPatch } from '../api/types';

interface UsersState {
  users: User[];
  loaded: boolean;
  loading: boolean;
  error: string | null;
  /** Id of the user being updated (buttons disabled meanwhile). */
  busyId: number | null;
  actionError: string | null;
  notice: string | null;
  load(): Promise<void>;
  create(u: NewUser): Promise<boolean>;
  update(id: number, patch: UserPatch, notice?: string): Promise<boolean>;
}

const initial = {
  users: [] as User[],
  loaded: false,
  loading: false,
  error: null as string | null,
  busyId: null as number | null,
  actionError: null as string | null,
  notice: null as string | null,
};

export const useUsers = create<UsersState>()((set, get) => ({
  ...initial,
  load: async () => {
    set({ loading: true, error: null });
    try {
      const users = await api().listUsers();
      set({ users, loaded: true, loading: false });
    } catch (e) {
      set({ loading: false, error: errorMessage(e) });
    }
  },
  create: async (u) => {
    set({ actionError: null, notice: null });
    try {
      const created = await api().createUser(u);
      set({ users: get().users.concat(created), notice: `Created ${created.email}` });
      return true;
    } catch (e) {
      set({ actionError: errorMessage(e) });
      return false;
    }
  },
  update: async (id, patch, notice) => {
    set({ busyId: id, actionError: null, notice: null });
    try {
      const updated = await api().updateUser(id, patch);
      set({
        users: get().users.map((x) => (x.id === id ? updated : x)),
        busyId: null,
        notice: notice ?? `Updated ${updated.email}`,
      });
      return true;
    } catch (e) {
      set({ busyId: null, actionError: errorMessage(e) });
      return false;
    }
  },
}));

export function resetUsers(): void {
  useUsers.setState(initial);
}
