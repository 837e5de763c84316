import { useEffect } from 'react';
import { useAttention } from '../stores/attention';
import { useTicker } from '../stores/ticker';

/** The number of conversations needing attention, kept current while signed in. */
export function AttentionCount() {
  const total = useAttention((s) => s.total);
  const loaded = useAttention((s) => s.loaded);
  const now = useTicker((s) => s.now);
  useEffect(() => {
    void useAttention.getState().refresh();
  }, [now]);
  if (!loaded || total === 0) return null;
  return (
    <span className="nav-count" data-testid="attention-count" aria-label={`${total} need attention`}>
      {total > 999 ? '999+' : total}
    </span>
  );
}
