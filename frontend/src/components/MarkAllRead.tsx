import { useState } from 'react';
import { markAllSeen } from '../stores/unread';
import { InlineError } from './InlineError';

/** "Mark all as read": clears every unread marker of the signed-in supervisor. */
export function MarkAllRead({ className = 'btn btn-quiet' }: { className?: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        className={className}
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(await markAllSeen());
          setBusy(false);
        }}
      >
        Mark all as read
      </button>
      <InlineError error={error} />
    </>
  );
}
