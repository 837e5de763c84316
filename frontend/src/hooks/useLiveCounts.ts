import { useEffect } from 'react';
import { useConversations } from '../stores/conversations';
import { onAppliedBatch } from '../stores/live';

const COUNTS_EVERY_MS = 10_000;
const COUNTS_AFTER_BATCH_MS = 2_000;

/**
 * Keeps the grid's status counts fresh while a screen that shows them is mounted: at
 * once, every 10 s, and 2 s after a batch that changed conversations.
 */
export function useLiveCounts(): void {
  useEffect(() => {
    void useConversations.getState().refreshCounts();
    const every = setInterval(() => void useConversations.getState().refreshCounts(), COUNTS_EVERY_MS);
    let pending: ReturnType<typeof setTimeout> | null = null;
    const off = onAppliedBatch((b) => {
      if (b.conversations.length === 0 || pending) return;
      pending = setTimeout(() => {
        pending = null;
        void useConversations.getState().refreshCounts();
      }, COUNTS_AFTER_BATCH_MS);
    });
    return () => {
      clearInterval(every);
      if (pending) clearTimeout(pending);
      off();
    };
  }, []);
}
