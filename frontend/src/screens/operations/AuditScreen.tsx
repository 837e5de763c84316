/** The audit log: who did what and when, newest first, filterable, a page at a time. */
import { useEffect, useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { EmptyState, ErrorState, Skeleton } from '../../components/States';
import { formatDateTime } from '../../domain/format';
import { useAudit } from '../../stores/audit';

export function AuditScreen() {
  const s = useAudit(
    useShallow((st) => ({
      items: st.items,
      loaded: st.loaded,
      loading: st.loading,
      error: st.error,
      nextCursor: st.nextCursor,
      loadingMore: st.loadingMore,
      filter: st.filter,
    })),
  );
  const [actor, setActor] = useState(s.filter.actor);
  const [action, setAction] = useState(s.filter.action);
  useEffect(() => {
    void useAudit.getState().load();
  }, []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void useAudit.getState().setFilter({ actor: actor.trim(), action: action.trim() });
  };
  return (
    <div className="page ops-page" data-testid="ops-audit">
      <div className="page-head">
        <h2 className="page-title">Audit log</h2>
        <span className="muted">User changes, unlocks, retries, drops and rebuilds; nothing is ever removed.</span>
      </div>
      <form className="ops-filter" aria-label="Filter the audit log" onSubmit={submit}>
        <label className="form-field">
          <span>Who</span>
          <input value={actor} placeholder="email" onChange={(e) => setActor(e.target.value)} />
        </label>
        <label className="form-field">
          <span>Action</span>
          <input value={action} placeholder="e.g. dead-letter.drop" onChange={(e) => setAction(e.target.value)} />
        </label>
        <div className="ops-filter-actions">
          <button type="submit" className="btn btn-primary btn-small">
            Filter
          </button>
        </div>
      </form>
      {!s.loaded && !s.error && <Skeleton lines={6} label="Loading the audit log" />}
      {s.error && <ErrorState title="Cannot load the audit log" message={s.error} onRetry={() => void useAudit.getState().load()} />}
      {s.loaded && !s.error && s.items.length === 0 && <EmptyState title="Nothing recorded yet" />}
      {s.items.length > 0 && (
        <div className="panel ops-table-wrap">
          <table className="table" aria-label="Audit log">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>Action</th>
                <th>On</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              {s.items.map((e) => (
                <tr key={e.id}>
                  <td className="ops-nowrap">{formatDateTime(e.at)}</td>
                  <td>{e.actor}</td>
                  <td className="ops-mono">{e.action}</td>
                  <td className="ops-mono">{e.target || '—'}</td>
                  <td className="ops-audit-detail" title={e.detail || undefined}>
                    {shorten(e.detail) || '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {s.nextCursor && (
        <button type="button" className="btn btn-block" disabled={s.loadingMore} onClick={() => void useAudit.getState().loadMore()}>
          {s.loadingMore ? 'Loading…' : 'Show older entries'}
        </button>
      )}
    </div>
  );
}

/** A detail can be a whole dropped entry; the table shows its start, the tooltip all. */
const DETAIL_CHARS = 140;

export function shorten(s: string): string {
  return s.length > DETAIL_CHARS ? `${s.slice(0, DETAIL_CHARS - 1)}…` : s;
}
