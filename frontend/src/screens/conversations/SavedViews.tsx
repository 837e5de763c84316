import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { SavedView, Status, StatusCounts } from '../../api/types';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { MarkAllRead } from '../../components/MarkAllRead';
import { formatNumber } from '../../domain/format';
import { useKeys } from '../../keyboard';
import { useConversations } from '../../stores/conversations';
import { onAppliedBatch } from '../../stores/live';
import { applyView, countFor, isActive, suggestName, useSavedViews } from '../../stores/savedViews';
import { InlineError } from '../../components/InlineError';

const COUNTS_EVERY_MS = 10_000;
const COUNTS_AFTER_BATCH_MS = 2_000;

/** "All conversations": the grid with no filter, always first. */
const ALL: SavedView = { id: -1, name: 'All conversations', search: '', status: '' };

/** The conversations grid with the supervisor's saved views beside it. */
export function ViewsLayout({ children }: { children: ReactNode }) {
  return (
    <div className="views-layout">
      <SavedViewsPanel />
      <div className="views-main">{children}</div>
    </div>
  );
}

/** Keeps the views' counts fresh: at once, every 10 s and 2 s after a batch that changed conversations. */
function useViewCounts(): void {
  const n = useSavedViews((s) => s.views.length);
  useEffect(() => {
    const refresh = () => void useSavedViews.getState().refreshCounts();
    refresh();
    const every = setInterval(refresh, COUNTS_EVERY_MS);
    let pending: ReturnType<typeof setTimeout> | null = null;
    const off = onAppliedBatch((b) => {
      if (b.conversations.length === 0 || pending) return;
      pending = setTimeout(() => {
        pending = null;
        refresh();
      }, COUNTS_AFTER_BATCH_MS);
    });
    return () => {
      clearInterval(every);
      if (pending) clearTimeout(pending);
      off();
    };
  }, [n]);
}

/**
 * A view's count: for the view the grid shows, the grid's own count (the chip's);
 * for the others, the same count query for their search.
 */
function useCount(v: SavedView): number | null {
  const grid = useConversations(useShallow((s) => ({ search: s.search, status: s.status, counts: s.counts, countsSearch: s.countsSearch })));
  const saved = useSavedViews((s) => s.counts[v.search]);
  const counts: StatusCounts | undefined =
    isActive(v, grid) && grid.counts && grid.countsSearch === grid.search ? grid.counts : saved;
  return countFor(counts, v.status);
}

export function SavedViewsPanel() {
  const { views, loaded, error } = useSavedViews(useShallow((s) => ({ views: s.views, loaded: s.loaded, error: s.error })));
  const grid = useConversations(useShallow((s) => ({ search: s.search, status: s.status })));
  const [naming, setNaming] = useState(false);
  const list = useRef<HTMLUListElement>(null);
  useEffect(() => {
    if (!useSavedViews.getState().loaded) void useSavedViews.getState().load();
  }, []);
  useViewCounts();
  useKeys('Conversations', [
    {
      key: 'v',
      label: 'Go to the saved views',
      run: () => {
        const el = list.current;
        (el?.querySelector<HTMLElement>('.view-item[aria-pressed="true"]') ?? el?.querySelector<HTMLElement>('.view-item'))?.focus();
      },
    },
  ]);
  const filtered = grid.search.trim() !== '' || grid.status !== '';
  const already = [ALL, ...views].some((v) => isActive(v, grid));
  return (
    <aside className="views-side" aria-label="Saved views">
      <h2 className="views-title">Views</h2>
      <ul className="views-list" ref={list}>
        {[ALL, ...views].map((v) => (
          <ViewRow key={v.id} view={v} active={isActive(v, grid)} editable={v.id > 0} />
        ))}
      </ul>
      {loaded && error && (
        <p className="form-error small" role="alert">
          {error}
        </p>
      )}
      {naming ? (
        <NameForm
          initial={suggestName(grid.search, grid.status as Status | '')}
          submitLabel="Save view"
          onCancel={() => setNaming(false)}
          onSubmit={async (name) => {
            const err = await useSavedViews.getState().saveCurrent(name);
            if (!err) setNaming(false);
            return err;
          }}
        />
      ) : (
        <button
          type="button"
          className="btn btn-quiet views-save"
          disabled={!filtered || already}
          title={!filtered ? 'Choose a status or search first' : already ? 'This filter is already a view' : undefined}
          onClick={() => setNaming(true)}
        >
          + Save current view
        </button>
      )}
      <div className="views-foot">
        <MarkAllRead className="btn btn-quiet views-markall" />
      </div>
    </aside>
  );
}

function ViewRow({ view, active, editable }: { view: SavedView; active: boolean; editable: boolean }) {
  const count = useCount(view);
  const [renaming, setRenaming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (renaming) {
    return (
      <li>
        <NameForm
          initial={view.name}
          submitLabel="Rename"
          onCancel={() => setRenaming(false)}
          onSubmit={async (name) => {
            const err = await useSavedViews.getState().rename(view.id, name);
            if (!err) setRenaming(false);
            return err;
          }}
        />
      </li>
    );
  }
  const what = [view.status, view.search ? `search “${view.search}”` : ''].filter(Boolean).join(', ') || 'every conversation';
  return (
    <li className={active ? 'view-row active' : 'view-row'} data-testid="saved-view" data-name={view.name}>
      <button type="button" className="view-item" aria-pressed={active} title={what} onClick={() => applyView(view)}>
        <span className="view-name">{view.name}</span>
        <span className="view-count" data-testid="view-count">
          {count === null ? '…' : formatNumber(count)}
        </span>
      </button>
      {editable && (
        <span className="view-actions">
          <button type="button" className="icon-btn" aria-label={`Rename view ${view.name}`} title="Rename" onClick={() => setRenaming(true)}>
            ✎
          </button>
          <button type="button" className="icon-btn" aria-label={`Delete view ${view.name}`} title="Delete" onClick={() => setDeleting(true)}>
            ×
          </button>
        </span>
      )}
      <InlineError error={error} />
      {deleting && (
        <ConfirmDialog
          title={`Delete the view “${view.name}”?`}
          confirmLabel="Delete view"
          danger
          onCancel={() => setDeleting(false)}
          onConfirm={async () => {
            setDeleting(false);
            setError(await useSavedViews.getState().remove(view.id));
          }}
        >
          Only the saved filter goes; no conversation changes.
        </ConfirmDialog>
      )}
    </li>
  );
}

function NameForm({
  initial,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  initial: string;
  submitLabel: string;
  onSubmit(name: string): Promise<string | null>;
  onCancel(): void;
}) {
  const [name, setName] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="view-name-form"
      aria-label={submitLabel}
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(await onSubmit(name));
        setBusy(false);
      }}
    >
      <input
        className="input"
        aria-label="View name"
        value={name}
        autoFocus
        maxLength={60}
        onChange={(e) => setName(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            onCancel();
          }
        }}
      />
      <span className="view-name-buttons">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {submitLabel}
        </button>
        <button type="button" className="btn btn-quiet" onClick={onCancel}>
          Cancel
        </button>
      </span>
      <InlineError error={error} />
    </form>
  );
}
