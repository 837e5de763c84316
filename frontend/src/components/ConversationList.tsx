import type { ConversationCard } from '../api/types';
import { CustomerName } from './CustomerName';
import { navigate, routeToHash } from '../stores/router';
import { LiveStatusBadge } from './StatusBadge';
import { TimeAgo } from './TimeAgo';

/** A compact list of conversations, each opening its detail. */
export function ConversationList({ cards, showCustomer = false }: { cards: ConversationCard[]; showCustomer?: boolean }) {
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
              navigate({ name: 'conversation', id: c.id });
            }}
          >
            <span className="row-main">
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
