import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { SearchBox } from '../components/SearchBox';
import { EmptyState, ErrorState, Skeleton, Spinner } from '../components/States';
import { CustomerName } from '../components/CustomerName';
import { DASH } from '../domain/format';
import { useListKeys } from '../hooks/useListKeys';
import { useCustomers } from '../stores/customers';
import { navigate } from '../stores/router';

export function CustomersScreen() {
  const s = useCustomers(
    useShallow((st) => ({
      query: st.query,
      items: st.items,
      nextCursor: st.nextCursor,
      loaded: st.loaded,
      loading: st.loading,
      loadingMore: st.loadingMore,
      error: st.error,
    })),
  );
  const { search, loadMore } = useCustomers.getState();
  const searchRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  useListKeys('Customers', searchRef, listRef, () => void search(''));

  useEffect(() => {
    const st = useCustomers.getState();
    if (!st.loaded && !st.loading) void st.search(st.query);
  }, []);

  return (
    <div className="page" ref={listRef}>
      <div className="page-head">
        <h2 className="page-title">Customers</h2>
        <SearchBox ref={searchRef} value={s.query} onSearch={(q) => void search(q)} label="Search customers" placeholder="Name, email or customer ID" />
      </div>
      {s.loading && s.loaded && <div className="progress-line" role="status" aria-label="Updating" />}
      {!s.loaded && s.loading && <Skeleton lines={8} label="Loading customers" />}
      {s.error && !s.loading && <ErrorState message={s.error} onRetry={() => void search(s.query)} />}
      {s.loaded && !s.error && s.items.length === 0 && (
        <EmptyState title={s.query ? `No customers match “${s.query}”` : 'No customers yet'} />
      )}
      {s.loaded && s.items.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Email</th>
              <th>Mobile</th>
              <th>Customer ID</th>
              <th className="num">Applications</th>
              <th className="num">Conversations</th>
            </tr>
          </thead>
          <tbody>
            {s.items.map((c) => (
              <tr
                key={c.id}
                className="clickable"
                tabIndex={0}
                onClick={() => navigate({ name: 'customer', id: c.id })}
              >
                <td className="strong">
                  <CustomerName name={c.name} displayName={c.displayName} nameSource={c.nameSource} />
                </td>
                <td>{c.email ?? DASH}</td>
                <td>{c.mobile ?? DASH}</td>
                <td className="mono muted">{c.id}</td>
                <td className="num">{c.applications}</td>
                <td className="num">{c.conversations}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
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
