/**
 * Conversation status rules (chatLedger spec §4), the same as Go's
 * projection.StatusAt, so badges recompute as time passes without a reload:
 *
 * 1. a final decision APPROVED / DECLINED (any case) shows "Approved" / "Declined";
 * 2. else an explicit end-of-conversation flag (endedAt set) shows "Ended";
 * 3. else by idle time since the last message (the start time when there is none):
 *    idle > hardEnd → "Hard End", idle > softEnd → "Soft End", idle > paused → "Paused",
 *    otherwise "Active". Boundaries are exclusive: exactly 3 minutes is still Active.
 */
import type { ConversationCard, Status, Thresholds } from '../api/types';

export const DEFAULT_THRESHOLDS: Thresholds = {
  pausedSeconds: 3 * 60,
  softEndSeconds: 20 * 60,
  hardEndSeconds: 24 * 60 * 60,
};

export type StatusInputs = Pick<ConversationCard, 'decision' | 'endedAt' | 'lastMessageAt' | 'startedAt'>;

function parseTime(s: string | null | undefined): number | null {
  if (!s) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : t;
}

/** Status of a conversation at `nowMs` (epoch milliseconds). */
export function statusAt(c: StatusInputs, nowMs: number, th: Thresholds = DEFAULT_THRESHOLDS): Status {
  const decision = (c.decision ?? '').toUpperCase();
  if (decision === 'APPROVED') return 'Approved';
  if (decision === 'DECLINED') return 'Declined';
  if (c.endedAt) return 'Ended';
  const last = parseTime(c.lastMessageAt) ?? parseTime(c.startedAt);
  if (last === null) return 'Hard End';
  const idleMs = nowMs - last;
  if (idleMs > th.hardEndSeconds * 1000) return 'Hard End';
  if (idleMs > th.softEndSeconds * 1000) return 'Soft End';
  if (idleMs > th.pausedSeconds * 1000) return 'Paused';
  return 'Active';
}

/** CSS modifier for a status badge. */
export function statusClass(s: Status): string {
  return 'status-' + s.toLowerCase().replace(/\s+/g, '-');
}
