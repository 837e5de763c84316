import { EmptyState } from '../../components/States';
import { useDataClock } from '../../stores/dataClock';

/**
 * Why the grid is empty: a filter that matches nothing, a ledger that cannot be
 * reached, a first copy still running, or really no conversations yet.
 */
export function GridEmptyState({ search, status, onClear }: { search: string; status: string; onClear(): void }) {
  const d = useDataClock((s) => s.state);
  if (search || status) {
    const what = [search && `“${search}”`, status && `status ${status}`].filter(Boolean).join(' with ');
    return (
      <EmptyState title="No conversations match">
        Nothing matches {what}.{' '}
        <button type="button" className="link-btn" onClick={onClear}>
          Clear the search and filter
        </button>
      </EmptyState>
    );
  }
  switch (d.kind) {
    case 'offline':
      return (
        <EmptyState title="Cannot reach the ledger">
          This computer has no conversations yet and cannot fetch them: {d.problem}
        </EmptyState>
      );
    case 'catchingUp':
      return <EmptyState title="Copying conversations…">They appear here as they are copied to this computer.</EmptyState>;
    case 'connecting':
      return <EmptyState title="Connecting to the ledger…">Conversations appear here once connected.</EmptyState>;
    default:
      return <EmptyState title="No conversations yet">The ledger has none; new conversations appear here as they start.</EmptyState>;
  }
}
