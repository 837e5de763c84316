/**
 * Desktop notifications for conversations newly needing attention: the supervisor's
 * opt-in (off until they turn it on in Settings, kept per supervisor by the Go side),
 * the planner's state (domain/notifyPlan), and the toasts the window shows itself when
 * the desktop could not show a notification.
 */
import { create } from 'zustand';
import { api, errorMessage } from '../api/client';
import type { AttentionItem } from '../api/types';
import { initialPlan, plan, type AttentionEntry, type Notice, type PlanState } from '../domain/notifyPlan';
import { useAttention } from './attention';
import { useDataClock } from './dataClock';
import { navigate } from './router';

export interface Toast extends Notice {
  id: number;
}

/** How long a toast stays. */
export const TOAST_MS = 10_000;
const MAX_TOASTS = 3;

interface NotificationsState {
  enabled: boolean;
  loaded: boolean;
  saving: boolean;
  error: string | null;
  toasts: Toast[];
  load(): Promise<void>;
  setEnabled(on: boolean): Promise<void>;
  dismiss(id: number): void;
}

let planState: PlanState = initialPlan;
let toastSeq = 0;

export const useNotifications = create<NotificationsState>()((set, get) => ({
  enabled: false,
  loaded: false,
  saving: false,
  error: null,
  toasts: [],
  load: async () => {
    try {
      const p = await api().preferences();
      set({ enabled: p.notifyAttention, loaded: true, error: null });
    } catch (e) {
      set({ loaded: true, error: errorMessage(e) });
    }
  },
  setEnabled: async (on) => {
    set({ saving: true, error: null });
    try {
      const p = await api().savePreferences({ notifyAttention: on, density: '' });
      // Turned on: what needs attention now is remembered, not announced.
      planState = initialPlan;
      set({ enabled: p.notifyAttention, saving: false });
    } catch (e) {
      set({ saving: false, error: errorMessage(e) });
    }
  },
  dismiss: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
}));

export function entriesOf(items: AttentionItem[]): AttentionEntry[] {
  return items.map((it) => ({
    id: it.card.id,
    name: it.card.displayName || 'New customer',
    reason: it.reasons[0]?.label ?? 'Needs attention',
  }));
}

async function deliver(n: Notice): Promise<void> {
  let shown = false;
  try {
    shown = await api().notify(n);
  } catch {
    shown = false;
  }
  if (shown) return;
  const toast: Toast = { ...n, id: ++toastSeq };
  useNotifications.setState((s) => ({ toasts: s.toasts.concat(toast).slice(-MAX_TOASTS) }));
  setTimeout(() => useNotifications.getState().dismiss(toast.id), TOAST_MS);
}

/** Opens what a notice is about: its conversation, or the "Needs attention" view. */
export function openNotice(conversationId: string): void {
  navigate(conversationId ? { name: 'conversation', id: conversationId } : { name: 'attention' });
}

/**
 * Watches the attention list while signed in: each new load goes through the planner
 * (only when notifications are on) and its notices are delivered. Returns the stop.
 */
export function startNotifications(): () => void {
  planState = initialPlan;
  void useNotifications.getState().load();
  const unsub = useAttention.subscribe((s, prev) => {
    if (!s.loaded || s.loadedAt === prev.loadedAt || s.error) return;
    if (!useNotifications.getState().enabled) {
      planState = initialPlan;
      return;
    }
    const live = useDataClock.getState().state.kind === 'live';
    const r = plan(planState, entriesOf(s.items), Date.now(), live);
    planState = r.state;
    for (const n of r.notices) void deliver(n);
  });
  const off = api().onNotificationOpen(openNotice);
  return () => {
    unsub();
    off();
  };
}

export function resetNotifications(): void {
  planState = initialPlan;
  useNotifications.setState({ enabled: false, loaded: false, saving: false, error: null, toasts: [] });
}
