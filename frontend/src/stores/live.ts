/**
 * Wires Go events to the stores: `ledger:batch` fans out to every store that shows
 * ledger data; `ledger:connection` feeds the connection indicator.
 */
import { api } from '../api/client';
import type { LedgerBatch } from '../api/types';
import { useApplications } from './applications';
import { useConnection } from './connection';
import { useConversation } from './conversation';
import { useConversations } from './conversations';
import { useCustomers } from './customers';

/** Listeners called after the stores applied a batch (the grid uses it to refresh counts). */
const batchListeners = new Set<(b: LedgerBatch) => void>();

export function onAppliedBatch(cb: (b: LedgerBatch) => void): () => void {
  batchListeners.add(cb);
  return () => batchListeners.delete(cb);
}

export function applyBatch(b: LedgerBatch): void {
  useConversations.getState().applyCards(b.conversations);
  useConversation.getState().applyBatch(b);
  useCustomers.getState().applyBatch(b);
  useApplications.getState().applyBatch(b);
  batchListeners.forEach((cb) => cb(b));
}

/** Subscribes to Go events; returns the unsubscribe function. */
export function startLive(): () => void {
  const offBatch = api().onBatch(applyBatch);
  const offConn = api().onConnection((c) => useConnection.getState().set(c));
  void useConnection.getState().load();
  return () => {
    offBatch();
    offConn();
  };
}
