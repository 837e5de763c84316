import { useEffect } from 'react';
import { useConversations } from '../stores/conversations';
import { onAppliedBatch } from '../stores/live';

const COUNTS_EVERY_MS = 10_000;
/** At most one count after batches per this interval: a burst costs one query a second. */
export const COUNTS_AFTER_BATCH_MS = 1_000;

/**
 * Keeps the grid's status counts fresh while a screen that shows them is mounted: at
 * once, every 10 s, and after a batch that changed conversations — at once when the
 * last count is older than a second (the chips follow the cards the batch just put in
 * the list), else a second after it.
 */
export function useLiveCounts(): void {
  useEffect(() => {
    let last = 0;
    const refresh = () => {
      last = Date.now();
      void useConversations.getState().refreshCounts();
    };
    refresh();
    const every = setInterval(refresh, COUNTS_EVERY_MS);
    let pending: ReturnType<typeof setTimeout> | null = null;
    const off = onAppliedBatch((b) => {
      if (b.conversations.length === 0 || pending) return;
      const wait = last + COUNTS_AFTER_BATCH_MS - Date.now();
      if (wait <= 0) {
        refresh();
        return;
      }
      pending = setTimeout(() => {
        pending = null;
        refresh();
      }, wait);
    });
    return () => {
      clearInterval(every);
      if (pending) clearTimeout(pending);
      off();
    };
  }, []);
}
