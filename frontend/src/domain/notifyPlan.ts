/**
 * What to notify about the "Needs attention" list, and when: a pure function of the
 * list it is shown, the time and what it decided before, so it is tested with a fake
 * clock (notifyPlan.test.ts) and the store only delivers.
 *
 * - A conversation newly entering the list is news; one that was in the list the last
 *   time, or was notified less than an hour ago, is not.
 * - While the data is not live (first sync, catching up, offline) nothing is news: the
 *   list is only remembered, so a replayed history never rings. The first list after
 *   sign-in (or after notifications are turned on) is remembered the same way.
 * - At most one notification per `minGapMs`: news arriving sooner waits, and is sent as
 *   one grouped notification ("5 conversations need attention") when the gap is over.
 */

export interface AttentionEntry {
  id: string;
  /** The customer's display name. */
  name: string;
  /** The most urgent reason, in plain words. */
  reason: string;
}

export interface Notice {
  title: string;
  body: string;
  /** The conversation a click opens; "" for a grouped notice (opens "Needs attention"). */
  conversationId: string;
}

export interface PlanState {
  /** The ids of the last list seen; null until a first list has been remembered. */
  known: ReadonlySet<string> | null;
  /** When each conversation was last notified (epoch ms). */
  notifiedAt: ReadonlyMap<string, number>;
  /** When the last notice went out (epoch ms); -Infinity when none yet. */
  lastSentAt: number;
  /** News held back by the rate limit, oldest first. */
  pending: readonly AttentionEntry[];
}

export interface PlanOptions {
  /** The least time between two notices. */
  minGapMs: number;
  /** A conversation is not notified again within this time. */
  renotifyAfterMs: number;
}

export const PLAN_DEFAULTS: PlanOptions = { minGapMs: 30_000, renotifyAfterMs: 60 * 60_000 };

export const initialPlan: PlanState = { known: null, notifiedAt: new Map(), lastSentAt: -Infinity, pending: [] };

/** How many names a grouped notice lists before "and N more". */
const NAMES_SHOWN = 3;

/**
 * The next state and the notices to send for `items`, the attention list as loaded at
 * `now`; `live` is false while the data is not live.
 */
export function plan(
  state: PlanState,
  items: readonly AttentionEntry[],
  now: number,
  live: boolean,
  opts: PlanOptions = PLAN_DEFAULTS,
): { state: PlanState; notices: Notice[] } {
  const ids = new Set(items.map((it) => it.id));
  const notifiedAt = new Map([...state.notifiedAt].filter(([, at]) => now - at < opts.renotifyAfterMs));
  if (!live || state.known === null) {
    return { state: { ...state, known: ids, notifiedAt, pending: [] }, notices: [] };
  }
  const known = state.known;
  // Held news still needing attention, then what entered since the last list.
  const pending = state.pending.filter((p) => ids.has(p.id));
  const held = new Set(pending.map((p) => p.id));
  for (const it of items) {
    if (!known.has(it.id) && !held.has(it.id) && !notifiedAt.has(it.id)) {
      pending.push(it);
      held.add(it.id);
    }
  }
  const next: PlanState = { known: ids, notifiedAt, lastSentAt: state.lastSentAt, pending };
  if (pending.length === 0 || now - state.lastSentAt < opts.minGapMs) return { state: next, notices: [] };
  for (const p of pending) notifiedAt.set(p.id, now);
  return { state: { ...next, lastSentAt: now, pending: [] }, notices: [noticeOf(pending)] };
}

function noticeOf(news: readonly AttentionEntry[]): Notice {
  if (news.length === 1) return { title: news[0].name, body: news[0].reason, conversationId: news[0].id };
  const names = news.slice(0, NAMES_SHOWN).map((n) => n.name);
  const more = news.length - names.length;
  const body = more > 0 ? `${names.join(', ')} and ${more} more` : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return { title: `${news.length} conversations need attention`, body, conversationId: '' };
}
