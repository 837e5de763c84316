import type { ConversationCard } from '../api/types';
import { CustomerName } from './CustomerName';
import { openFrom, type Origin } from '../stores/origin';
import { navigate, routeToHash } from '../stores/router';
import { LiveStatusBadge } from './StatusBadge';
import { TimeAgo } from './TimeAgo';
import { UnreadDot } from './UnreadDot';

/**
 * A compact list of conversations, each opening its detail. With an origin (the page
 * showing the list), the conversation's Prev/Next step through this list and Back
 * returns to that page.
 */
export function ConversationList({
  cards,
  showCustomer = false,
  origin,
}: {
  cards: ConversationCard[];
  showCustomer?: boolean;
  origin?: Omit<Origin, 'ids'>;
}) {
  if (cards.length === 0) return <div className="muted small">No conversations.</div>;
  return (
    <ul className="rows">
      {cards.map((c) => (
        <li key={c.id}>
          <a
            className="row-link"
            href={routeToHash({ name: 'conversation', id: c.id })}
            onClick={(e) => {
              e.preventDefault();
              if (origin) openFrom({ ...origin, ids: cards.map((x) => x.id) }, c.id);
              else navigate({ name: 'conversation', id: c.id });
            }}
          >
            <span className="row-main">
              {c.unread && <UnreadDot />}
              {showCustomer ? (
                <CustomerName name={c.customerName} displayName={c.displayName} nameSource={c.nameSource} />
              ) : (
                (c.purpose ?? 'Conversation')
              )}
              <span className="muted small"> · {c.applicationNumber ?? 'no application'}</span>
            </span>
            <span className="muted small">
              started <TimeAgo iso={c.startedAt} /> · {c.messageCount} msg
            </span>
            <LiveStatusBadge card={c} />
          </a>
        </li>
      ))}
    </ul>
  );
}
