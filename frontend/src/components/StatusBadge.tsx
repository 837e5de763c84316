import type { ApplicationStatus, ConversationCard, Status } from '../api/types';
import { humaniseValue } from '../domain/format';
import { statusAt, statusClass } from '../domain/status';
import { useSettings } from '../stores/settings';
import { clockTime } from '../domain/dataState';
import { useDataClock } from '../stores/dataClock';

export function StatusBadge({ status }: { status: Status }) {
  return (
    <span className={`badge ${statusClass(status)}`} data-testid="status-badge">
      {status}
    </span>
  );
}

/** Status recomputed from the data clock and the configured thresholds. */
export function useLiveStatus(card: Pick<ConversationCard, 'decision' | 'endedAt' | 'lastMessageAt' | 'startedAt'>): Status {
  const now = useDataClock((s) => s.now);
  const th = useSettings((s) => s.thresholds);
  return statusAt(card, now, th);
}

/**
 * The card's status; while history is still being replayed a grey "Syncing" instead
 * (no status is final yet), and offline the status of the "as of" instant, marked so.
 */
export function LiveStatusBadge({ card }: { card: Pick<ConversationCard, 'decision' | 'endedAt' | 'lastMessageAt' | 'startedAt'> }) {
  const status = useLiveStatus(card);
  const provisional = useDataClock((s) => s.provisional);
  const asOf = useDataClock((s) => (s.state.kind === 'offline' ? s.state.asOf : null));
  if (provisional) {
    return (
      <span className="badge status-syncing" data-testid="status-badge" data-status="syncing" title={`Not final until caught up (so far: ${status})`}>
        Syncing
      </span>
    );
  }
  if (asOf !== null) {
    return (
      <span className={`badge ${statusClass(status)} badge-as-of`} data-testid="status-badge" data-status={status} title={`As of ${clockTime(asOf)}`}>
        {status}
        <span className="badge-as-of-time"> · {clockTime(asOf)}</span>
      </span>
    );
  }
  return <StatusBadge status={status} />;
}

export function AppStatusBadge({ status }: { status: ApplicationStatus }) {
  return <span className={`badge app-${status.replace(/_/g, '-')}`}>{humaniseValue(status)}</span>;
}
