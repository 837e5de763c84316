/**
 * The pipeline's health (GET /api/admin/pipeline through the Go side) and its history
 * for the charts. Screens ask for live data with {@link watchPipeline}: the store polls
 * at the shortest interval any watcher wants, and not while the window is hidden.
 */
import { create } from 'zustand';
import { api, errorMessage } from '../api/client';
import type { HistoryWindow, Pipeline, PipelineHistory } from '../api/types';

interface PipelineState {
  pipeline: Pipeline | null;
  /** When the pipeline was last loaded (ms since the epoch). */
  updatedAt: number | null;
  loading: boolean;
  /** The last load's error; the last good pipeline stays shown. */
  error: string | null;
  history: Record<HistoryWindow, PipelineHistory | null>;
  historyLoading: boolean;
  historyError: string | null;
  load(): Promise<void>;
  loadHistory(w: HistoryWindow): Promise<void>;
}

const initial = {
  pipeline: null as Pipeline | null,
  updatedAt: null as number | null,
  loading: false,
  error: null as string | null,
  history: { '1h': null, '24h': null } as Record<HistoryWindow, PipelineHistory | null>,
  historyLoading: false,
  historyError: null as string | null,
};

export const usePipeline = create<PipelineState>()((set, get) => ({
  ...initial,
  load: async () => {
    if (get().loading) return;
    set({ loading: true });
    try {
      const pipeline = await api().pipeline();
      set({ pipeline, updatedAt: Date.now(), loading: false, error: null });
    } catch (e) {
      set({ loading: false, error: errorMessage(e) });
    }
  },
  loadHistory: async (w) => {
    set({ historyLoading: true });
    try {
      const h = await api().pipelineHistory(w);
      set({ history: { ...get().history, [w]: h }, historyLoading: false, historyError: null });
    } catch (e) {
      set({ historyLoading: false, historyError: errorMessage(e) });
    }
  },
}));

// ---------------------------------------------------------------------------
// Polling

const watchers = new Map<number, number>(); // watcher id → interval (ms)
let nextWatcher = 1;
let timer: ReturnType<typeof setTimeout> | null = null;

function hidden(): boolean {
  return typeof document !== 'undefined' && document.visibilityState === 'hidden';
}

function schedule(): void {
  if (timer) clearTimeout(timer);
  timer = null;
  if (watchers.size === 0) return;
  const every = Math.min(...watchers.values());
  timer = setTimeout(() => {
    timer = null;
    if (!hidden()) void usePipeline.getState().load();
    schedule();
  }, every);
}

function onVisible(): void {
  if (!hidden() && watchers.size > 0) {
    void usePipeline.getState().load();
    schedule();
  }
}

/**
 * Keeps the pipeline fresh every `everyMs` while the returned stop is not called: loads
 * now, then polls (at the shortest interval of all watchers), pausing while the window
 * is hidden and loading at once when it shows again.
 */
export function watchPipeline(everyMs: number): () => void {
  const id = nextWatcher++;
  if (watchers.size === 0) document.addEventListener('visibilitychange', onVisible);
  watchers.set(id, everyMs);
  if (!hidden()) void usePipeline.getState().load();
  schedule();
  return () => {
    watchers.delete(id);
    if (watchers.size === 0) document.removeEventListener('visibilitychange', onVisible);
    schedule();
  };
}

export function resetPipeline(): void {
  for (const id of [...watchers.keys()]) watchers.delete(id);
  document.removeEventListener('visibilitychange', onVisible);
  schedule();
  usePipeline.setState(initial);
}
