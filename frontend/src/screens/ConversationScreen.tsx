import { useEffect, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ConversationInfo } from '../api/types';
import { Avatar } from '../components/Avatar';
import { ErrorState, Skeleton } from '../components/States';
import { LiveStatusBadge } from '../components/StatusBadge';
import { TimeAgo } from '../components/TimeAgo';
import { CustomerName } from '../components/CustomerName';
import { formatNumber } from '../domain/format';
import { useLiveCounts } from '../hooks/useLiveCounts';
import { useKeys } from '../keyboard';
import { useDataClock } from '../stores/dataClock';
import { neighboursIn, useOrigin } from '../stores/origin';
import { useConversation } from '../stores/conversation';
import { filteredTotal, useConversations, visibleCards } from '../stores/conversations';
import { navigate, useRouter } from '../stores/router';
import { useSettings } from '../stores/settings';
import { markSeen } from '../stores/unread';
import { SidePanels } from './conversation/SidePanels';
import { Transcript } from './conversation/Transcript';

interface Neighbours {
  prev: string | null;
  next: string | null;
  /** Index in the grid's visible list; -1 when the conversation is not in it. */
  pos: number;
  /** Cards loaded and visible. */
  loaded: number;
  /** Conversations the grid's filter holds in all (see filteredTotal); null when not known. */
  total: number | null;
}

/** Previous / next ids in the grid's current order (null at the ends or when not in the grid). */
function useNeighbours(id: string): Neighbours {
  const s = useConversations(
    useShallow((st) => ({
      items: st.items,
      status: st.status,
      search: st.search,
      nextCursor: st.nextCursor,
      counts: st.counts,
      countsSearch: st.countsSearch,
    })),
  );
  const th = useSettings((st) => st.thresholds);
  const now = useDataClock((st) => (s.status ? st.now : 0));
  return useMemo(() => {
    const list = visibleCards(s.items, s.status, now, th);
    const total = filteredTotal(s, list.length);
    const at = list.findIndex((c) => c.id === id);
    if (at < 0) return { prev: null, next: null, pos: -1, loaded: list.length, total };
    return {
      prev: at > 0 ? list[at - 1].id : null,
      next: at < list.length - 1 ? list[at + 1].id : null,
      pos: at,
      loaded: list.length,
      total,
    };
  }, [s, now, th, id]);
}

/** "8 of 300" within the whole filtered list, or just "8" while its size is not known. */
function Position({ pos, total }: { pos: number; total: number | null }) {
  const n = formatNumber(pos + 1);
  return (
    <span className="muted small" data-testid="conversation-position" title="Position in the conversation list">
      {total === null ? n : `${n} of ${formatNumber(total)}`}
    </span>
  );
}

export function ConversationScreen({ id }: { id: string }) {
  const { detail, loading, error } = useConversation(
    useShallow((s) => ({ detail: s.detail, loading: s.loading, error: s.error })),
  );
  const gridBack = useRouter((s) => s.back);
  const origin = useOrigin((s) => s.origin);
  const gridNb = useNeighbours(id);
  // Opened from a customer's or an application's page: step through that list, back to it.
  const nb: Neighbours = origin
    ? { ...neighboursIn(origin.ids, id), loaded: origin.ids.length, total: origin.ids.length }
    : gridNb;
  const back = () => (origin ? navigate(origin.route) : gridBack());
  const backLabel = origin ? origin.label : 'All conversations';

  useEffect(() => {
    void useConversation.getState().open(id);
    if (!useOrigin.getState().origin) useConversations.getState().select(id);
  }, [id]);
  useEffect(() => () => useConversation.getState().close(), []);
  // Opening it clears its unread marker; so does leaving it (what arrived meanwhile was seen).
  useEffect(() => {
    void markSeen(id);
    return () => void markSeen(id);
  }, [id]);

  // Near the end of the loaded grid: fetch the next page so "next" keeps working.
  useEffect(() => {
    if (!origin && nb.pos >= 0 && nb.pos >= nb.loaded - 2) void useConversations.getState().loadMore();
  }, [origin, nb.pos, nb.loaded]);
  // Keeps the grid's counts (the "of N") current while the grid itself is not shown.
  useLiveCounts();

  const go = (to: string | null) => {
    if (to) navigate({ name: 'conversation', id: to });
  };
  useKeys('Conversation', [
    { key: 'j', label: 'Next conversation in the list you came from', display: 'j / k', run: () => go(nb.next) },
    { key: 'k', label: 'Previous conversation', hidden: true, run: () => go(nb.prev) },
    { key: 'Escape', label: `Back to ${backLabel}`, run: () => back() },
  ]);

  const current = detail && detail.conversation.id === id ? detail : null;

  return (
    <div className="conv-screen">
      <div className="conv-header">
        <button type="button" className="btn btn-quiet conv-back" onClick={back} title={`Back to ${backLabel} (Esc)`} data-testid="conversation-back">
          ← {backLabel}
        </button>
        {current ? <HeaderInfo c={current.conversation} /> : <div className="conv-header-info muted">Loading conversation…</div>}
        <div className="conv-nav">
          {nb.pos >= 0 && <Position pos={nb.pos} total={nb.total} />}
          <button type="button" className="btn" disabled={!nb.prev} onClick={() => go(nb.prev)} title="Previous conversation (k)">
            ‹ Prev
          </button>
          <button type="button" className="btn" disabled={!nb.next} onClick={() => go(nb.next)} title="Next conversation (j)">
            Next ›
          </button>
        </div>
      </div>
      {!current && loading && (
        <div className="conv-body">
          <div className="conv-left">
            <Skeleton lines={8} label="Loading transcript" />
          </div>
          <div className="conv-right">
            <Skeleton lines={6} label="Loading details" />
          </div>
        </div>
      )}
      {!current && !loading && error && (
        <ErrorState message={error} onRetry={() => void useConversation.getState().reload()} />
      )}
      {current && (
        <div className="conv-body">
          <div className="conv-left">
            <Transcript key={id} messages={current.messages} />
          </div>
          <div className="conv-right">
            <SidePanels detail={current} />
          </div>
        </div>
      )}
    </div>
  );
}

function HeaderInfo({ c }: { c: ConversationInfo }) {
  return (
    <div className="conv-header-info">
      <Avatar name={c.customerName} size={40} />
      <div className="conv-header-text">
        <div className="conv-header-name">
          {c.customerId ? (
            <button type="button" className="link-btn strong" onClick={() => navigate({ name: 'customer', id: c.customerId! })}>
              <CustomerName name={c.customerName} displayName={c.displayName} nameSource={c.nameSource} />
            </button>
          ) : (
            <CustomerName name={c.customerName} displayName={c.displayName} nameSource={c.nameSource} />
          )}
          <LiveStatusBadge card={c} />
        </div>
        <div className="conv-header-meta muted small">
          {c.applicationNumber ? (
            <button type="button" className="link-btn" onClick={() => navigate({ name: 'application', number: c.applicationNumber! })}>
              {c.applicationNumber}
            </button>
          ) : (
            'No application'
          )}
          <span>
            started <TimeAgo iso={c.startedAt} />
          </span>
          <span>
            last message <TimeAgo iso={c.lastMessageAt} />
          </span>
        </div>
      </div>
    </div>
  );
}
