import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { STATUSES, type Status } from '../api/types';
import { SearchBox } from '../components/SearchBox';
import { ErrorState, Spinner } from '../components/States';
import { clockTime } from '../domain/dataState';
import { formatNumber } from '../domain/format';
import { statusClass } from '../domain/status';
import { useSearchMatches } from '../stores/matches';
import { useLiveCounts } from '../hooks/useLiveCounts';
import { useKeys } from '../keyboard';
import { followClock, useConversations, visibleCards } from '../stores/conversations';
import { useDataClock } from '../stores/dataClock';
import { openFromGrid } from '../stores/origin';
import { useSettings } from '../stores/settings';
import { gridLayout } from '../domain/density';
import { ensureDensity, useDensity } from '../stores/density';
import { DensitySwitch } from './conversations/DensitySwitch';
import { WallTile } from './conversations/WallTile';
import { ConversationCardView } from './conversations/ConversationCardView';
import { GridEmptyState } from './conversations/GridEmptyState';
import { useSteadyScroll } from './conversations/useSteadyScroll';

/** Height of one row of comfortable cards, gap included. */
export const ROW_HEIGHT = gridLayout('comfortable', 1440).rowHeight;

/** Cards per row for a container width at the comfortable density: up to 3 on wide windows. */
export function columnsFor(width: number): number {
  return gridLayout('comfortable', width).cols;
}

function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setWidth(el.clientWidth);
    measure();
    if (typeof ResizeObserver !== 'undefined') {
      const ro = new ResizeObserver(measure);
      ro.observe(el);
      return () => ro.disconnect();
    }
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  }, [ref]);
  return width;
}

export function ConversationsScreen() {
  useSearchMatches();
  const s = useConversations(
    useShallow((st) => ({
      search: st.search,
      status: st.status,
      items: st.items,
      nextCursor: st.nextCursor,
      loaded: st.loaded,
      loading: st.loading,
      loadingMore: st.loadingMore,
      error: st.error,
      loadMoreError: st.loadMoreError,
      counts: st.counts,
      pendingNew: st.pendingNew,
      selectedId: st.selectedId,
    })),
  );
  const actions = useConversations.getState();
  const th = useSettings((st) => st.thresholds);
  // Only a status filter needs the clock here (cards follow it on their own).
  const now = useDataClock((st) => (s.status ? st.now : 0));
  const provisional = useDataClock((st) => st.provisional);
  const asOf = useDataClock((st) => (st.state.kind === 'offline' ? st.state.asOf : null));
  const visible = useMemo(() => visibleCards(s.items, s.status, now, th), [s.items, s.status, now, th]);

  // First load, and status counts kept fresh while the grid is shown.
  useEffect(() => {
    const st = useConversations.getState();
    if (!st.loaded && !st.loading) void st.reload();
  }, []);
  useLiveCounts();
  useEffect(() => followClock(), []);
  useEffect(ensureDensity, []);
  const density = useDensity((st) => st.density);

  const scrollRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const width = useWidth(scrollRef);
  const { cols, rowHeight } = gridLayout(density, width);
  const filterKey = `${s.search}\u0000${s.status}`;
  const steady = useSteadyScroll(scrollRef, visible, cols, rowHeight, filterKey, width > 0, provisional);
  // What is laid out: the list minus the arrivals held above a scrolled grid.
  const shown = steady.shown;
  const rowCount = Math.ceil(shown.length / cols);
  const hasMore = s.nextCursor !== null;

  const virtualizer = useVirtualizer({
    count: rowCount + (hasMore ? 1 : 0),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: density === 'wall' ? 2 : 3,
  });
  // Another density: every row has another height.
  useLayoutEffect(() => virtualizer.measure(), [rowHeight, virtualizer]);
  const rows = virtualizer.getVirtualItems();
  const lastRow = rows.length ? rows[rows.length - 1].index : -1;

  // A new filter starts at the top.

  // Caught up: live updates were capped during the replay, so the grid reloads once.
  const wasProvisional = useRef(provisional);
  useEffect(() => {
    if (wasProvisional.current && !provisional) void useConversations.getState().reload().then(steady.forget);
    wasProvisional.current = provisional;
  }, [provisional, steady.forget]);

  // Back from a conversation: its card has the focus, as the reader left it.
  const returnTo = useRef(s.selectedId);
  useEffect(() => {
    const id = returnTo.current;
    if (!id || !s.loaded || width === 0) return;
    returnTo.current = null;
    requestAnimationFrame(() => {
      const el = scrollRef.current?.querySelector<HTMLElement>(`[data-id="${CSS.escape(id)}"]`);
      el?.focus({ preventScroll: true });
    });
  }, [s.loaded, width]);
  const lastFilter = useRef(filterKey);
  useEffect(() => {
    if (lastFilter.current === filterKey) return;
    lastFilter.current = filterKey;
    virtualizer.scrollToOffset(0);
  }, [filterKey, virtualizer]);

  // Infinite scroll: the loader row (or the row before it) came into view.
  useEffect(() => {
    if (hasMore && s.loaded && !s.loading && !s.loadingMore && !s.loadMoreError && lastRow >= rowCount - 1) {
      void useConversations.getState().loadMore();
    }
  }, [hasMore, s.loaded, s.loading, s.loadingMore, s.loadMoreError, lastRow, rowCount]);

  const open = useCallback((id: string) => {
    useConversations.getState().select(id);
    openFromGrid(id);
  }, []);

  const move = (delta: number) => {
    if (shown.length === 0) return;
    const at = shown.findIndex((c) => c.id === s.selectedId);
    const next = at < 0 ? (delta > 0 ? 0 : shown.length - 1) : Math.min(shown.length - 1, Math.max(0, at + delta));
    actions.select(shown[next].id);
    virtualizer.scrollToIndex(Math.floor(next / cols), { align: 'auto' });
  };

  const clear = () => {
    actions.setSearch('');
    actions.setStatus('');
  };
  useKeys('Conversations', [
    {
      key: '/',
      label: 'Search',
      run: (e) => {
        e.preventDefault();
        searchRef.current?.focus();
      },
    },
    { key: 'j', label: 'Select the next conversation', display: 'j / k', run: () => move(1) },
    { key: 'k', label: 'Select the previous conversation', hidden: true, run: () => move(-1) },
    { key: 'ArrowDown', label: 'Down a row', hidden: true, run: () => move(cols) },
    { key: 'ArrowUp', label: 'Up a row', hidden: true, run: () => move(-cols) },
    { key: 'ArrowRight', label: 'Next conversation', hidden: true, run: () => move(1) },
    { key: 'ArrowLeft', label: 'Previous conversation', hidden: true, run: () => move(-1) },
    {
      key: 'd',
      label: 'Change the grid density (comfortable, compact, wall)',
      run: () => void useDensity.getState().step(),
    },
    {
      key: 'Enter',
      label: 'Open the selected conversation',
      run: () => {
        if (s.selectedId) open(s.selectedId);
      },
    },
    {
      key: 'Escape',
      label: 'Clear the search and status filter',
      run: () => {
        if (s.search || s.status) clear();
        else actions.select(null);
      },
    },
    ...STATUSES.map((st, i) => ({
      key: String(i + 1),
      label: 'Show only one status (again: all)',
      display: `1-${STATUSES.length}`,
      hidden: i > 0,
      run: () => actions.setStatus(s.status === st ? '' : st),
    })),
  ]);

  const total = s.counts ? STATUSES.reduce((n, st) => n + s.counts![st], 0) : null;

  return (
    <div className="grid-screen" data-density={density}>
      <div className="toolbar">
        <SearchBox
          ref={searchRef}
          value={s.search}
          onSearch={actions.setSearch}
          label="Search conversations"
          placeholder="Search names, applications, decisions, messages  ( / )"
        />
        <DensitySwitch />
        <div className="chips" role="group" aria-label="Filter by status">
          <FilterChip label="All" count={total} counting={provisional} active={s.status === ''} onClick={() => actions.setStatus('')} />
          {STATUSES.map((st) => (
            <FilterChip
              key={st}
              label={st}
              status={st}
              count={s.counts ? s.counts[st] : null}
              counting={provisional}
              keyHint={String(STATUSES.indexOf(st) + 1)}
              active={s.status === st}
              onClick={() => actions.setStatus(s.status === st ? '' : st)}
            />
          ))}
        </div>
      </div>

      {asOf !== null && (
        <div className="grid-as-of muted small" data-testid="grid-as-of">
          Statuses and times as of {clockTime(asOf)}
        </div>
      )}
      {steady.newAbove > 0 && (
        <button type="button" className="new-pill grid-new-pill" data-testid="new-above" onClick={steady.toTop}>
          {formatNumber(steady.newAbove)} new ↑
        </button>
      )}
      {s.loading && s.loaded && <div className="progress-line" role="status" aria-label="Updating" />}

      <div className="grid-scroll" ref={scrollRef} data-testid="grid-scroll" onScroll={steady.onScroll}>
        {!s.loaded && s.loading && <GridSkeleton cols={cols} />}
        {!s.loaded && !s.loading && s.error && <ErrorState message={s.error} onRetry={() => void actions.reload()} />}
        {s.loaded && s.error && !s.loading && (
          <ErrorState message={s.error} onRetry={() => void actions.reload()} title="Could not refresh" />
        )}
        {s.loaded && !s.loading && !s.error && visible.length === 0 && !hasMore && (
          <GridEmptyState search={s.search} status={s.status} onClear={clear} />
        )}
        {s.loaded && (visible.length > 0 || hasMore) && (
          <div className="grid-canvas" style={{ height: virtualizer.getTotalSize() }}>
            {rows.map((row) => {
              if (row.index >= rowCount) {
                return (
                  <div key="loader" className="grid-loader" style={{ transform: `translateY(${row.start}px)`, height: rowHeight }}>
                    {s.loadMoreError ? (
                      <ErrorState message={s.loadMoreError} onRetry={() => void actions.loadMore()} title="Could not load more" />
                    ) : (
                      <Spinner label="Loading more conversations…" />
                    )}
                  </div>
                );
              }
              const cards = shown.slice(row.index * cols, row.index * cols + cols);
              return (
                <div
                  key={row.key}
                  className="grid-row"
                  style={{
                    transform: `translateY(${row.start}px)`,
                    height: rowHeight,
                    gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))`,
                  }}
                >
                  {cards.map((c) =>
                    density === 'wall' ? (
                      <WallTile key={c.id} card={c} selected={c.id === s.selectedId} onOpen={open} />
                    ) : (
                      <ConversationCardView
                        key={c.id}
                        card={c}
                        selected={c.id === s.selectedId}
                        onOpen={open}
                        compact={density === 'compact'}
                      />
                    ),
                  )}
                </div>
              );
            })}
          </div>
        )}
        {s.loaded && !hasMore && visible.length > 0 && (
          <div className="grid-end muted">{formatNumber(visible.length)} conversations · end of list</div>
        )}
      </div>
    </div>
  );
}

function FilterChip({
  label,
  count,
  counting = false,
  keyHint,
  active,
  status,
  onClick,
}: {
  label: string;
  count: number | null;
  /** The total is still growing (catching up): shown as a count so far. */
  counting?: boolean;
  keyHint?: string;
  active: boolean;
  status?: Status;
  onClick(): void;
}) {
  return (
    <button
      type="button"
      className={`chip ${active ? 'active' : ''} ${status ? statusClass(status) : ''}`}
      aria-pressed={active}
      onClick={onClick}
      title={keyHint ? `${label} (key ${keyHint})${counting ? ', still counting' : ''}` : counting ? 'Still counting' : undefined}
    >
      {status && <span className="chip-dot" aria-hidden="true" />}
      {label}
      <span className={counting ? 'chip-count chip-counting' : 'chip-count'} data-testid="chip-count">
        {count === null ? '…' : formatNumber(count)}
        {counting && count !== null ? '+' : ''}
      </span>
    </button>
  );
}

function GridSkeleton({ cols }: { cols: number }) {
  return (
    <div className="grid-skeleton" role="status" aria-label="Loading conversations" style={{ gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))` }}>
      {Array.from({ length: cols * 4 }, (_, i) => (
        <div key={i} className="conv-card skeleton-card">
          <div className="skeleton-line" style={{ width: '60%' }} />
          <div className="skeleton-line" style={{ width: '35%' }} />
          <div className="skeleton-line" style={{ width: '90%' }} />
        </div>
      ))}
    </div>
  );
}
