/**
 * The signed-in supervisor's unread markers. The Go side keeps where each supervisor
 * last looked (personal.db) and sets `unread` on every card it sends; these actions
 * record a look and clear the markers the window already holds, so they go at once.
 */
import { api, errorMessage } from '../api/client';
import type { ConversationCard } from '../api/types';
import { useAttention } from './attention';
import { useConversations } from './conversations';

/** The cards with the markers of `ids` (or of all, when null) cleared; the same array when none changes. */
export function clearedCards(cards: ConversationCard[], ids: ReadonlySet<string> | null): ConversationCard[] {
  let out: ConversationCard[] | null = null;
  cards.forEach((c, i) => {
    if (c.unread && (ids === null || ids.has(c.id))) {
      if (!out) out = cards.slice();
      out[i] = { ...c, unread: false };
    }
  });
  return out ?? cards;
}

function clearLocally(ids: ReadonlySet<string> | null): void {
  const conv = useConversations.getState();
  const items = clearedCards(conv.items, ids);
  if (items !== conv.items) useConversations.setState({ items });
  const att = useAttention.getState();
  const cards = clearedCards(
    att.items.map((it) => it.card),
    ids,
  );
  if (cards.some((c, i) => c !== att.items[i].card)) {
    useAttention.setState({ items: att.items.map((it, i) => (it.card === cards[i] ? it : { ...it, card: cards[i] })) });
  }
}

/** The supervisor has seen conversation `id` as it is now. Failures only lose a marker's clearing. */
export async function markSeen(id: string): Promise<void> {
  clearLocally(new Set([id]));
  try {
    await api().markSeen(id);
  } catch {
    /* the marker comes back with the next load; nothing else depends on it */
  }
}

/** "Mark all as read": returns the error to show, or null. */
export async function markAllSeen(): Promise<string | null> {
  try {
    await api().markAllSeen();
  } catch (e) {
    return errorMessage(e);
  }
  clearLocally(null);
  return null;
}
