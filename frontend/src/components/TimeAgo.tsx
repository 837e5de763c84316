import { formatDateTime, timeAgo } from '../domain/format';
import { useTicker } from '../stores/ticker';

/** "5m ago", re-rendered by the shared ticker; full time in the tooltip. */
export function TimeAgo({ iso, testId }: { iso: string | null; testId?: string }) {
  const now = useTicker((s) => s.now);
  return (
    <time dateTime={iso ?? undefined} title={formatDateTime(iso)} data-testid={testId}>
      {timeAgo(iso, now)}
    </time>
  );
}
