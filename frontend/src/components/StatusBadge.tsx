import type { ApplicationStatus, ConversationCard, Status } from '../api/types';
import { humaniseValue } from '../domain/format';
import { statusAt, statusClass } from '../domain/status';
import { useSettings } from '../stores/settings';
import { useTicker } from '../stores/ticker';

export function StatusBadge({ status }: { status: Status }) {
  return (
    <span className={`badge ${statusClass(status)}`} data-testid="status-badge">
      {status}
    </span>
  );
}

/** Status recomputed from the shared clock and the configured thresholds. */
export function useLiveStatus(card: Pick<ConversationCard, 'decision' | 'endedAt' | 'lastMessageAt' | 'startedAt'>): Status {
  const now = useTicker((s) => s.now);
  const th = useSettings((s) => s.thresholds);
  return statusAt(card, now, th);
}

export function LiveStatusBadge({ card }: { card: Pick<ConversationCard, 'decision' | 'endedAt' | 'lastMessageAt' | 'startedAt'> }) {
  return <StatusBadge status={useLiveStatus(card)} />;
}

export function AppStatusBadge({ status }: { status: ApplicationStatus }) {
  return <span className={`badge app-${status.replace(/_/g, '-')}`}>{humaniseValue(status)}</span>;
}
