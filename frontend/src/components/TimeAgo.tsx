import { formatDateTime, timeAgo } from '../domain/format';
import { useDataClock } from '../stores/dataClock';

/** "5m ago" at the data clock's instant (it stands still while offline); full time in the tooltip. */
export function TimeAgo({ iso, testId }: { iso: string | null; testId?: string }) {
  const now = useDataClock((s) => s.now);
  return (
    <time dateTime={iso ?? undefined} title={formatDateTime(iso)} data-testid={testId}>
      {timeAgo(iso, now)}
    </time>
  );
}
