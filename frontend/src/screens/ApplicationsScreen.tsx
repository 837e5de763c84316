import { useEffect, useRef } from 'react';
import { useListKeys } from '../hooks/useListKeys';
import { useShallow } from 'zustand/react/shallow';
import { APPLICATION_STATUSES } from '../api/types';
import { ApplicationsTable } from '../components/ApplicationsTable';
import { SearchBox } from '../components/SearchBox';
import { EmptyState, ErrorState, Skeleton, Spinner } from '../components/States';
import { humaniseValue } from '../domain/format';
import { useApplications } from '../stores/applications';

export function ApplicationsScreen() {
  const s = useApplications(
    useShallow((st) => ({
      status: st.status,
      search: st.search,
      items: st.items,
      nextCursor: st.nextCursor,
      loaded: st.loaded,
      loading: st.loading,
      loadingMore: st.loadingMore,
      error: st.error,
    })),
  );
  const { setFilter, reload, loadMore } = useApplications.getState();
  const searchRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  useListKeys('Applications', searchRef, listRef, () => setFilter({ search: '' }));

  useEffect(() => {
    const st = useApplications.getState();
    if (!st.loaded && !st.loading) void st.reload();
  }, []);

  return (
    <div className="page" ref={listRef}>
      <div className="page-head">
        <h2 className="page-title">Applications</h2>
        <SearchBox ref={searchRef} value={s.search} onSearch={(q) => setFilter({ search: q })} label="Search applications" placeholder="Application number or customer" />
      </div>
      <div className="chips" role="group" aria-label="Filter by application status">
        <button type="button" className={`chip ${s.status === '' ? 'active' : ''}`} aria-pressed={s.status === ''} onClick={() => setFilter({ status: '' })}>
          All
        </button>
        {APPLICATION_STATUSES.map((st) => (
          <button
            key={st}
            type="button"
            className={`chip app-${st.replace(/_/g, '-')} ${s.status === st ? 'active' : ''}`}
            aria-pressed={s.status === st}
            onClick={() => setFilter({ status: s.status === st ? '' : st })}
          >
            <span className="chip-dot" aria-hidden="true" />
            {humaniseValue(st)}
          </button>
        ))}
      </div>
      {s.loading && s.loaded && <div className="progress-line" role="status" aria-label="Updating" />}
      {!s.loaded && s.loading && <Skeleton lines={8} label="Loading applications" />}
      {s.error && !s.loading && <ErrorState message={s.error} onRetry={() => void reload()} />}
      {s.loaded && !s.error && s.items.length === 0 && (
        <EmptyState title="No applications match">{s.status || s.search ? 'Try another status or search.' : null}</EmptyState>
      )}
      {s.loaded && s.items.length > 0 && <ApplicationsTable rows={s.items} />}
      {s.nextCursor && s.loaded && (
        <div className="load-more">
          {s.loadingMore ? (
            <Spinner label="Loading more…" />
          ) : (
            <button type="button" className="btn" onClick={() => void loadMore()}>
              Load more
            </button>
          )}
        </div>
      )}
    </div>
  );
}
