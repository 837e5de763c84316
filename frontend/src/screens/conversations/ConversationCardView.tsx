import { memo } from 'react';
import type { ConversationCard } from '../../api/types';
import { CustomerName } from '../../components/CustomerName';
import { Avatar } from '../../components/Avatar';
import { LiveStatusBadge } from '../../components/StatusBadge';
import { TimeAgo } from '../../components/TimeAgo';
import { UnreadDot } from '../../components/UnreadDot';
import { MatchSnippet } from '../../components/MatchSnippet';
import { useMatch } from '../../stores/matches';
import { routeToHash } from '../../stores/router';
import { useCardAttention } from './WallTile';

interface Props {
  card: ConversationCard;
  selected: boolean;
  onOpen(id: string): void;
  /** The compact density: no message preview, one line of times. */
  compact?: boolean;
}

/** One grid card. Memoised: re-renders only for its own data and the shared ticker. */
export const ConversationCardView = memo(function ConversationCardView({ card, selected, onOpen, compact = false }: Props) {
  const match = useMatch(card.id);
  const reasons = useCardAttention(card);
  const why = reasons.length > 0 ? `Needs attention: ${reasons.map((r) => r.label).join(', ')}` : '';
  return (
    <a
      href={routeToHash({ name: 'conversation', id: card.id })}
      className={`conv-card${compact ? ' conv-card-compact' : ''}${selected ? ' selected' : ''}${card.unread ? ' unread' : ''}`}
      data-testid="conversation-card"
      data-id={card.id}
      data-unread={card.unread ? 'true' : undefined}
      aria-current={selected ? 'true' : undefined}
      onClick={(e) => {
        e.preventDefault();
        onOpen(card.id);
      }}
    >
      <span className="conv-card-top">
        <Avatar name={card.customerName} size={compact ? 24 : 32} />
        <span className="conv-card-id">
          <CustomerName
            className="conv-card-name"
            name={card.customerName}
            displayName={card.displayName}
            nameSource={card.nameSource}
          />
          <span className="conv-card-app">{card.applicationNumber ?? 'No application'}</span>
        </span>
        {card.unread && <UnreadDot />}
        {why && compact && (
          <span className="wall-tile-flag" data-testid="attention-flag" role="img" aria-label={why} title={why}>
            !
          </span>
        )}
        <LiveStatusBadge card={card} />
      </span>
      {!compact && (
      <span className={`conv-card-preview${why ? ' conv-card-preview-short' : ''}`}>
        {match ? (
          <MatchSnippet match={match} />
        ) : card.lastMessage ? (
          <>
            <span className="conv-card-sender">{card.lastMessage.sender === 'customer' ? 'Customer' : 'Assistant'}:</span>{' '}
            {card.lastMessage.text}
          </>
        ) : (
          <span className="muted">No messages yet</span>
        )}
      </span>
      )}
      {reasons.length > 0 && !compact && (
        <span className="conv-card-attention" data-testid="card-attention" title={why}>
          {why}
        </span>
      )}
      <span className="conv-card-times">
        <span>
          started <TimeAgo iso={card.startedAt} testId="started-ago" />
        </span>
        <span>
          last message <TimeAgo iso={card.lastMessageAt} testId="last-ago" />
        </span>
        <span className="conv-card-count">{card.messageCount} msg</span>
      </span>
    </a>
  );
});
