/**
 * Rebuild and replay jobs: the history, starting one, following the running one and
 * cancelling it.
 */
import { create } from 'zustand';
import { api, errorMessage } from '../api/client';
import type { RebuildJob, RebuildRequest } from '../api/types';

interface RebuildsState {
  jobs: RebuildJob[];
  loaded: boolean;
  loading: boolean;
  error: string | null;
  starting: boolean;
  cancelling: boolean;
  actionError: string | null;
  notice: string | null;
  load(): Promise<void>;
  start(req: RebuildRequest): Promise<boolean>;
  cancel(id: string): Promise<boolean>;
  /** Reloads the running job; when it has finished, the whole list. */
  refreshRunning(): Promise<void>;
}

const initial = {
  jobs: [] as RebuildJob[],
  loaded: false,
  loading: false,
  error: null as string | null,
  starting: false,
  cancelling: false,
  actionError: null as string | null,
  notice: null as string | null,
};

/** The running job, if any (the backend runs one at a time). */
export function runningJob(jobs: RebuildJob[]): RebuildJob | null {
  return jobs.find((j) => j.state === 'running') ?? null;
}

function upsert(jobs: RebuildJob[], j: RebuildJob): RebuildJob[] {
  return jobs.some((x) => x.id === j.id) ? jobs.map((x) => (x.id === j.id ? j : x)) : [j, ...jobs];
}

export const useRebuilds = create<RebuildsState>()((set, get) => ({
  ...initial,
  load: async () => {
    set({ loading: true, error: null });
    try {
      const jobs = await api().listRebuilds();
      set({ jobs, loaded: true, loading: false });
    } catch (e) {
      set({ loading: false, error: errorMessage(e) });
    }
  },
  start: async (req) => {
    set({ starting: true, actionError: null, notice: null });
    try {
      const job = await api().startRebuild(req);
      set({ starting: false, jobs: upsert(get().jobs, job), notice: `Started ${job.kind} ${job.id}` });
      return true;
    } catch (e) {
      set({ starting: false, actionError: errorMessage(e) });
      return false;
    }
  },
  cancel: async (id) => {
    set({ cancelling: true, actionError: null, notice: null });
    try {
      const job = await api().cancelRebuild(id);
      set({ cancelling: false, jobs: upsert(get().jobs, job), notice: `Cancelled ${job.kind} ${job.id}; the live data is unchanged` });
      return true;
    } catch (e) {
      set({ cancelling: false, actionError: errorMessage(e) });
      return false;
    }
  },
  refreshRunning: async () => {
    const run = runningJob(get().jobs);
    if (!run) return;
    try {
      const job = await api().getRebuild(run.id);
      set({ jobs: upsert(get().jobs, job), error: null });
      if (job.state !== 'running') await get().load();
    } catch (e) {
      set({ error: errorMessage(e) });
    }
  },
}));

export function resetRebuilds(): void {
  useRebuilds.setState(initial);
}
