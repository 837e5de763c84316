import { memo } from 'react';
import type { AttentionItem, AttentionReason, ConversationCard } from '../../api/types';
import { TimeAgo } from '../../components/TimeAgo';
import { UnreadDot } from '../../components/UnreadDot';
import { useLiveStatus } from '../../components/StatusBadge';
import { statusClass } from '../../domain/status';
import { useAttention } from '../../stores/attention';
import { useDataClock } from '../../stores/dataClock';
import { routeToHash } from '../../stores/router';

interface Props {
  card: ConversationCard;
  selected: boolean;
  onOpen(id: string): void;
}

/** The reasons of each conversation in the attention list, by id (one map per list). */
const reasonMaps = new WeakMap<AttentionItem[], Map<string, AttentionReason[]>>();
export function attentionReasons(items: AttentionItem[], id: string): AttentionReason[] | undefined {
  let m = reasonMaps.get(items);
  if (!m) {
    m = new Map(items.map((it) => [it.card.id, it.reasons]));
    reasonMaps.set(items, m);
  }
  return m.get(id);
}

/**
 * Why a card's conversation needs attention: the attention list's reasons, refreshed
 * with the clock, else (a card beyond the list's first items) those it was read with;
 * none while a first sync makes every status provisional.
 */
export function useCardAttention(card: ConversationCard): AttentionReason[] {
  const listed = useAttention((s) => attentionReasons(s.items, card.id));
  // During a first sync the reasons, like the statuses, come from half-replayed history.
  const provisional = useDataClock((s) => s.provisional);
  if (provisional) return [];
  return listed ?? card.attention ?? [];
}

/**
 * One tile of the wall: the customer's name, the status as a colour (and in words),
 * how long since the last message, and a flag when the conversation needs attention.
 * Memoised like the cards: re-renders for its own data, the clock and its attention.
 */
export const WallTile = memo(function WallTile({ card, selected, onOpen }: Props) {
  const status = useLiveStatus(card);
  const provisional = useDataClock((s) => s.provisional);
  const reasons = useCardAttention(card);
  const name = card.displayName || card.customerName || card.id;
  const shown = provisional ? 'Syncing' : status;
  const attention = reasons.length > 0 ? `Needs attention: ${reasons.map((r) => r.label).join(', ')}` : '';
  const cls = ['wall-tile', provisional ? 'status-syncing' : statusClass(status), selected ? 'selected' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <a
      href={routeToHash({ name: 'conversation', id: card.id })}
      className={cls}
      data-testid="conversation-card"
      data-density="wall"
      data-id={card.id}
      data-unread={card.unread ? 'true' : undefined}
      aria-current={selected ? 'true' : undefined}
      aria-label={`${name}, ${shown}${attention ? `, ${attention.toLowerCase()}` : ''}`}
      title={attention ? `${name}\n${attention}` : name}
      onClick={(e) => {
        e.preventDefault();
        onOpen(card.id);
      }}
    >
      <span className="wall-tile-top">
        <span className="wall-tile-name">{name}</span>
        {card.unread && <UnreadDot />}
        {attention && (
          <span className="wall-tile-flag" data-testid="attention-flag" aria-hidden="true">
            !
          </span>
        )}
      </span>
      <span className="wall-tile-meta">
        <span className="wall-tile-status">{shown}</span>
        {card.lastMessageAt ? <TimeAgo iso={card.lastMessageAt} testId="last-ago" /> : <span>no messages</span>}
      </span>
    </a>
  );
});
