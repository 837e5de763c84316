/**
 * The open conversation: its detail, live messages from `ledger:batch`, and a debounced
 * refetch when its card, application or customer changes.
 */
import { create } from 'zustand';
import { api, errorMessage } from '../api/client';
import type { ConversationDetail, LedgerBatch, LiveMessage, Message } from '../api/types';

export const REFETCH_DEBOUNCE_MS = 400;
/** Under constant activity a refetch still happens at least this often. */
export const REFETCH_MAX_WAIT_MS = 2000;

interface ConversationState {
  id: string | null;
  detail: ConversationDetail | null;
  loading: boolean;
  error: string | null;
  open(id: string): Promise<void>;
  reload(): Promise<void>;
  close(): void;
  applyBatch(b: LedgerBatch): void;
}

const initial = {
  id: null as string | null,
  detail: null as ConversationDetail | null,
  loading: false,
  error: null as string | null,
};

let generation = 0;
let refetchTimer: ReturnType<typeof setTimeout> | null = null;
/** When the pending refetch was first asked for (for the max wait). */
let refetchSince = 0;
/** Live messages received while the detail was loading, applied after it arrives. */
let buffered: Message[] = [];

function clearRefetch() {
  if (refetchTimer !== null) clearTimeout(refetchTimer);
  refetchTimer = null;
}

function stripConversationId(m: LiveMessage): Message {
  const { conversationId: _drop, ...rest } = m;
  void _drop;
  return rest;
}

/**
 * Orders stream entry IDs ("ms-seq", no leading zeros) as numbers. The stream ID is the
 * only total order of the ledger: a message's own time may carry another zone.
 */
export function compareStreamIds(a: string, b: string): number {
  const [am = '', as = '0'] = a.split('-');
  const [bm = '', bs = '0'] = b.split('-');
  return compareDigits(am, bm) || compareDigits(as, bs);
}

/** Compares decimal digit strings without converting (a sequence may exceed 2^53). */
function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Appends messages not present yet (by streamId), keeping stream order. */
export function mergeMessages(have: Message[], incoming: Message[]): Message[] {
  if (incoming.length === 0) return have;
  const seen = new Set(have.map((m) => m.streamId));
  const add = incoming.filter((m) => {
    if (seen.has(m.streamId)) return false;
    seen.add(m.streamId);
    return true;
  });
  if (add.length === 0) return have;
  const out = have.concat(add);
  const sorted = out.every((m, i) => i === 0 || compareStreamIds(out[i - 1].streamId, m.streamId) < 0);
  return sorted ? out : out.slice().sort((a, b) => compareStreamIds(a.streamId, b.streamId));
}

export const useConversation = create<ConversationState>()((set, get) => {
  const fetchDetail = async (id: string, showLoading: boolean) => {
    const gen = ++generation;
    if (showLoading) set({ loading: true, error: null });
    try {
      const d = await api().getConversation(id);
      if (gen !== generation || get().id !== id) return;
      const live = get().detail?.conversation.id === id ? get().detail!.messages : [];
      const messages = mergeMessages(mergeMessages(d.messages, live), buffered);
      buffered = [];
      set({ detail: { ...d, messages }, loading: false, error: null });
    } catch (e) {
      if (gen !== generation || get().id !== id) return;
      // A failed background refetch keeps what is shown.
      if (showLoading || !get().detail) set({ loading: false, error: errorMessage(e) });
    }
  };

  const scheduleRefetch = () => {
    const now = Date.now();
    if (refetchTimer !== null && now - refetchSince >= REFETCH_MAX_WAIT_MS - REFETCH_DEBOUNCE_MS) return;
    if (refetchTimer === null) refetchSince = now;
    clearRefetch();
    refetchTimer = setTimeout(() => {
      refetchTimer = null;
      const id = get().id;
      if (id) void fetchDetail(id, false);
    }, REFETCH_DEBOUNCE_MS);
  };

  return {
    ...initial,
    open: async (id) => {
      if (get().id === id && (get().detail || get().loading)) return;
      clearRefetch();
      buffered = [];
      set({ id, detail: null, loading: true, error: null });
      await fetchDetail(id, true);
    },
    reload: async () => {
      const id = get().id;
      if (id) await fetchDetail(id, !get().detail);
    },
    close: () => {
      generation++;
      clearRefetch();
      buffered = [];
      set(initial);
    },
    applyBatch: (b) => {
      const { id, detail } = get();
      if (!id) return;
      const mine = b.messages.filter((m) => m.conversationId === id).map(stripConversationId);
      const card = b.conversations.find((c) => c.id === id);
      if (!detail) {
        if (mine.length) buffered = buffered.concat(mine);
        return;
      }
      let next = detail;
      if (mine.length) {
        const messages = mergeMessages(detail.messages, mine);
        if (messages !== detail.messages) next = { ...next, messages };
      }
      if (card) next = { ...next, conversation: { ...next.conversation, ...card } };
      if (next !== detail) set({ detail: next });
      const appNo = detail.application?.number ?? detail.conversation.applicationNumber;
      const custId = detail.customer?.id ?? detail.conversation.customerId;
      if (
        card ||
        (appNo && b.applications.includes(appNo)) ||
        (custId && b.customers.includes(custId))
      ) {
        scheduleRefetch();
      }
    },
  };
});

export function resetConversation(): void {
  generation++;
  clearRefetch();
  buffered = [];
  useConversation.setState(initial);
}
