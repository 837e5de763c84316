import { useEffect, useState } from 'react';
import type { AttentionItem } from '../api/types';
import { CustomerName } from '../components/CustomerName';
import { EmptyState, ErrorState, Skeleton } from '../components/States';
import { LiveStatusBadge } from '../components/StatusBadge';
import { TimeAgo } from '../components/TimeAgo';
import { UnreadDot } from '../components/UnreadDot';
import { Chip } from '../components/Verdicts';
import type { Tone } from '../domain/codes';
import { formatNumber } from '../domain/format';
import { useHotkeys } from '../hooks/useHotkeys';
import { useAttention } from '../stores/attention';
import { MarkAllRead } from '../components/MarkAllRead';
import { navigate, routeToHash } from '../stores/router';
import { useTicker } from '../stores/ticker';

/** The colour of each reason. */
export const REASON_TONES: Record<string, Tone> = {
  waiting: 'warn',
  fraud: 'bad',
  identity: 'bad',
  offer_silence: 'warn',
  expired_document: 'bad',
  declined: 'bad',
  ended_by_customer: 'neutral',
};

function Row({ item, selected }: { item: AttentionItem; selected: boolean }) {
  const c = item.card;
  return (
    <li>
      <a
        href={routeToHash({ name: 'conversation', id: c.id })}
        className={`attention-row${selected ? ' selected' : ''}${c.unread ? ' unread' : ''}`}
        data-testid="attention-item"
        data-id={c.id}
        data-unread={c.unread ? 'true' : undefined}
        onClick={(e) => {
          e.preventDefault();
          navigate({ name: 'conversation', id: c.id });
        }}
      >
        <span className="attention-reasons" data-testid="attention-reasons">
          {item.reasons.map((r) => (
            <Chip key={r.code + r.label} label={r.label} tone={REASON_TONES[r.code] ?? 'neutral'} />
          ))}
        </span>
        <span className="attention-who">
          {c.unread && <UnreadDot />}
          <CustomerName className="strong" name={c.customerName} displayName={c.displayName} nameSource={c.nameSource} />
          <span className="muted small">{c.applicationNumber ?? 'No application'}</span>
        </span>
        <span className="attention-last muted small">
          {c.lastMessage ? `${c.lastMessage.sender === 'customer' ? 'Customer' : 'Assistant'}: ${c.lastMessage.text}` : 'No messages yet'}
        </span>
        <span className="attention-when muted small">
          <TimeAgo iso={c.lastMessageAt ?? c.startedAt} />
        </span>
        <LiveStatusBadge card={c} />
      </a>
    </li>
  );
}

/**
 * "Needs attention": the conversations the rules flag over the last day, most urgent
 * first, each saying why. j/k move, Enter opens, n opens the next one from anywhere.
 */
export function AttentionScreen() {
  const { items, total, loaded, error } = useAttention();
  const now = useTicker((s) => s.now);
  const [sel, setSel] = useState(0);
  useEffect(() => {
    void useAttention.getState().load();
  }, []);
  useEffect(() => {
    void useAttention.getState().refresh();
  }, [now]);
  useHotkeys({
    j: () => setSel((i) => Math.min(i + 1, items.length - 1)),
    k: () => setSel((i) => Math.max(i - 1, 0)),
    ArrowDown: () => setSel((i) => Math.min(i + 1, items.length - 1)),
    ArrowUp: () => setSel((i) => Math.max(i - 1, 0)),
    Enter: () => {
      const it = items[sel];
      if (it) navigate({ name: 'conversation', id: it.card.id });
    },
  });
  return (
    <div className="attention-screen">
      <div className="attention-head">
        <h2 className="screen-title">Needs attention</h2>
        {loaded && (
          <span className="muted" data-testid="attention-total">
            {total === 1 ? '1 conversation' : `${formatNumber(total)} conversations`}
            {total > items.length ? ` · the ${formatNumber(items.length)} most urgent shown` : ''}
          </span>
        )}
        <MarkAllRead />
        <span className="muted small attention-help">
          Over the last 24 hours: customers waiting for a reply, fraud and identity flags, silence after an offer, expired
          documents, declined, ended by the customer. <kbd>n</kbd> opens the next one from anywhere.
        </span>
      </div>
      {!loaded && !error && <Skeleton lines={6} label="Loading conversations needing attention" />}
      {error && !loaded && <ErrorState message={error} onRetry={() => void useAttention.getState().load()} />}
      {loaded && items.length === 0 && (
        <EmptyState title="Nothing needs attention">No conversation of the last 24 hours matches a rule right now.</EmptyState>
      )}
      {items.length > 0 && (
        <ol className="attention-list" aria-label="Conversations needing attention">
          {items.map((it, i) => (
            <Row key={it.card.id} item={it} selected={i === sel} />
          ))}
        </ol>
      )}
    </div>
  );
}
