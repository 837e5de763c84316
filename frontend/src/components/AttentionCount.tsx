import { useEffect } from 'react';
import { useAttention } from '../stores/attention';
import { useDataClock } from '../stores/dataClock';
import { useTicker } from '../stores/ticker';

/**
 * The number of conversations needing attention, kept current while signed in. During
 * a first sync it shows nothing: the count would come from half-replayed history, as
 * the cards' statuses would.
 */
export function AttentionCount() {
  const total = useAttention((s) => s.total);
  const loaded = useAttention((s) => s.loaded);
  const provisional = useDataClock((s) => s.provisional);
  const now = useTicker((s) => s.now);
  useEffect(() => {
    if (!provisional) void useAttention.getState().refresh();
  }, [now, provisional]);
  if (provisional || !loaded || total === 0) return null;
  return (
    <span className="nav-count" data-testid="attention-count" aria-label={`${total} need attention`}>
      {total > 999 ? '999+' : total}
    </span>
  );
}
