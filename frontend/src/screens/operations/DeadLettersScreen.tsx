/**
 * Dead letters: a filterable table, the detail of one with its original fields, and
 * retry or drop for one, the selected, or all matching, each confirmed with its count.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { DeadLetterDetail, DeadLetterFilter, JsonValue } from '../../api/types';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { JsonView } from '../../components/JsonView';
import { Panel } from '../../components/Panel';
import { EmptyState, ErrorState, Skeleton, Spinner } from '../../components/States';
import { TimeAgo } from '../../components/TimeAgo';
import { formatDateTime, formatNumber } from '../../domain/format';
import {
  filterActive,
  plural,
  useDeadLetters,
  type ActionScope,
  type DeadLetterAction,
} from '../../stores/deadLetters';
import { usePipeline } from '../../stores/pipeline';
import { isoToLocalInput, localInputToIso } from './format';

interface Pending {
  action: DeadLetterAction;
  scope: ActionScope;
  count: number;
}

export function DeadLettersScreen() {
  const s = useDeadLetters(
    useShallow((st) => ({
      items: st.items,
      total: st.total,
      loaded: st.loaded,
      loading: st.loading,
      error: st.error,
      selected: st.selected,
      filter: st.filter,
      nextCursor: st.nextCursor,
      loadingMore: st.loadingMore,
      detailId: st.detailId,
      busy: st.busy,
      notice: st.notice,
      actionError: st.actionError,
    })),
  );
  const [pending, setPending] = useState<Pending | null>(null);
  useEffect(() => {
    void useDeadLetters.getState().load();
  }, []);
  // New dead letters show without a manual refresh.
  useEffect(() => {
    const t = setInterval(() => {
      if (document.visibilityState !== 'hidden' && !useDeadLetters.getState().busy) void useDeadLetters.getState().load();
    }, 5_000);
    return () => clearInterval(t);
  }, []);

  const ask = (action: DeadLetterAction, scope: ActionScope) =>
    setPending({ action, scope, count: useDeadLetters.getState().countOf(scope) });
  const confirm = async () => {
    if (!pending) return;
    await useDeadLetters.getState().act(pending.action, pending.scope);
    setPending(null);
    void usePipeline.getState().load();
  };
  const active = filterActive(s.filter);

  return (
    <div className="page ops-page" data-testid="ops-dead-letters">
      <div className="page-head">
        <h2 className="page-title">Dead letters</h2>
        {s.loaded && (
          <span className="muted">
            {plural(s.total, 'dead letter')}
            {active ? ' match the filter' : ''}
          </span>
        )}
      </div>
      <FilterBar filter={s.filter} />
      {s.notice && (
        <div className="notice-ok" role="status">
          {s.notice}
        </div>
      )}
      {s.actionError && (
        <div className="form-error" role="alert">
          {s.actionError}
        </div>
      )}
      <div className="ops-toolbar" role="toolbar" aria-label="Dead letter actions">
        <button type="button" className="btn btn-small" disabled={!s.selected.length || s.busy} onClick={() => ask('retry', { kind: 'selected' })}>
          Retry selected ({s.selected.length})
        </button>
        <button
          type="button"
          className="btn btn-small btn-danger"
          disabled={!s.selected.length || s.busy}
          onClick={() => ask('drop', { kind: 'selected' })}
        >
          Drop selected ({s.selected.length})
        </button>
        <span className="ops-toolbar-gap" />
        <button type="button" className="btn btn-small" disabled={!s.total || s.busy} onClick={() => ask('retry', { kind: 'matching' })}>
          {active ? 'Retry all matching' : 'Retry all'} ({formatNumber(s.total)})
        </button>
        <button
          type="button"
          className="btn btn-small btn-danger"
          disabled={!s.total || s.busy}
          onClick={() => ask('drop', { kind: 'matching' })}
        >
          {active ? 'Drop all matching' : 'Drop all'} ({formatNumber(s.total)})
        </button>
      </div>
      <div className={s.detailId ? 'ops-split open' : 'ops-split'}>
        <div className="ops-split-main">
          {!s.loaded && !s.error && <Skeleton lines={5} label="Loading dead letters" />}
          {s.error && <ErrorState title="Cannot load the dead letters" message={s.error} onRetry={() => void useDeadLetters.getState().load()} />}
          {s.loaded && !s.error && s.items.length === 0 && (
            <EmptyState title={active ? 'No dead letter matches the filter' : 'No dead letters'}>
              {active ? 'Clear the filter to see them all.' : 'Every entry of the stream was applied.'}
            </EmptyState>
          )}
          {s.items.length > 0 && <DeadLetterTable ask={ask} />}
          {s.nextCursor && (
            <button type="button" className="btn btn-block" disabled={s.loadingMore} onClick={() => void useDeadLetters.getState().loadMore()}>
              {s.loadingMore ? 'Loading…' : `Show more (${formatNumber(s.items.length)} of ${formatNumber(s.total)} shown)`}
            </button>
          )}
        </div>
        {s.detailId && <DetailPanel ask={ask} />}
      </div>
      {pending && (
        <ConfirmDialog
          title={`${pending.action === 'retry' ? 'Retry' : 'Drop'} ${plural(pending.count, 'dead letter')}?`}
          confirmLabel={`${pending.action === 'retry' ? 'Retry' : 'Drop'} ${formatNumber(pending.count)}`}
          danger={pending.action === 'drop'}
          busy={s.busy}
          onConfirm={() => void confirm()}
          onCancel={() => setPending(null)}
        >
          {pending.action === 'retry'
            ? 'Each is applied through the projection again. Those that succeed leave the dead letters; the others stay with their new reason.'
            : 'They leave the dead letters for good. The audit log keeps a record of each.'}
        </ConfirmDialog>
      )}
    </div>
  );
}

function FilterBar({ filter }: { filter: DeadLetterFilter }) {
  const [f, setF] = useState(filter);
  useEffect(() => setF(filter), [filter]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void useDeadLetters.getState().setFilter({ ...f });
  };
  const clear = () => void useDeadLetters.getState().setFilter({ reason: '', type: '', since: '', until: '' });
  return (
    <form className="ops-filter" aria-label="Filter dead letters" onSubmit={submit}>
      <label className="form-field">
        <span>Reason</span>
        <input value={f.reason} placeholder="e.g. not JSON" onChange={(e) => setF({ ...f, reason: e.target.value })} />
      </label>
      <label className="form-field">
        <span>Event type</span>
        <input value={f.type} placeholder="e.g. user_input" onChange={(e) => setF({ ...f, type: e.target.value })} />
      </label>
      <label className="form-field">
        <span>From</span>
        <input
          type="datetime-local"
          value={isoToLocalInput(f.since)}
          onChange={(e) => setF({ ...f, since: localInputToIso(e.target.value) })}
        />
      </label>
      <label className="form-field">
        <span>Until</span>
        <input
          type="datetime-local"
          value={isoToLocalInput(f.until)}
          onChange={(e) => setF({ ...f, until: localInputToIso(e.target.value) })}
        />
      </label>
      <div className="ops-filter-actions">
        <button type="submit" className="btn btn-primary btn-small">
          Filter
        </button>
        <button type="button" className="btn btn-quiet btn-small" onClick={clear} disabled={!filterActive(filter) && !filterActive(f)}>
          Clear
        </button>
      </div>
    </form>
  );
}

function DeadLetterTable({ ask }: { ask: (a: DeadLetterAction, s: ActionScope) => void }) {
  const s = useDeadLetters(
    useShallow((st) => ({ items: st.items, selected: st.selected, detailId: st.detailId, busy: st.busy })),
  );
  const all = s.items.length > 0 && s.selected.length === s.items.length;
  return (
    <div className="panel ops-table-wrap">
      <table className="table" aria-label="Dead letters">
        <thead>
          <tr>
            <th className="ops-check">
              <input
                type="checkbox"
                aria-label="Select every dead letter shown"
                checked={all}
                onChange={() => useDeadLetters.getState().toggleAll()}
              />
            </th>
            <th>Dead since</th>
            <th>Event type</th>
            <th>Reason</th>
            <th>Conversation</th>
            <th className="num">Retries</th>
            <th>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {s.items.map((d) => (
            <tr key={d.id} className={d.id === s.detailId ? 'selected' : ''} data-testid="dead-letter-row" data-id={d.id}>
              <td className="ops-check">
                <input
                  type="checkbox"
                  aria-label={`Select ${d.id}`}
                  checked={s.selected.includes(d.id)}
                  onChange={() => useDeadLetters.getState().toggle(d.id)}
                />
              </td>
              <td title={formatDateTime(d.deadAt)}>
                <TimeAgo iso={d.deadAt} />
              </td>
              <td className="ops-mono">{d.type || '—'}</td>
              <td className="ops-reason">{d.reason}</td>
              <td className="ops-mono">{d.conversationId || '—'}</td>
              <td className="num">{d.retries}</td>
              <td>
                <div className="row-actions">
                  <button type="button" className="btn btn-small" onClick={() => void useDeadLetters.getState().open(d.id)} aria-label={`Open ${d.id}`}>
                    Open
                  </button>
                  <button type="button" className="btn btn-small" disabled={s.busy} onClick={() => ask('retry', { kind: 'one', id: d.id })} aria-label={`Retry ${d.id}`}>
                    Retry
                  </button>
                  <button
                    type="button"
                    className="btn btn-small btn-danger"
                    disabled={s.busy}
                    onClick={() => ask('drop', { kind: 'one', id: d.id })}
                    aria-label={`Drop ${d.id}`}
                  >
                    Drop
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DetailPanel({ ask }: { ask: (a: DeadLetterAction, s: ActionScope) => void }) {
  const s = useDeadLetters(
    useShallow((st) => ({ id: st.detailId, detail: st.detail, loading: st.detailLoading, error: st.detailError, busy: st.busy })),
  );
  const close = () => useDeadLetters.getState().close();
  return (
    <aside className="ops-split-detail" aria-label="Dead letter" onKeyDown={(e) => e.key === 'Escape' && close()}>
      <Panel
        title={<span className="ops-mono">{s.id}</span>}
        testId="dead-letter-detail"
        actions={
          <>
            <button type="button" className="btn btn-small" disabled={!s.detail || s.busy} onClick={() => s.id && ask('retry', { kind: 'one', id: s.id })}>
              Retry
            </button>
            <button
              type="button"
              className="btn btn-small btn-danger"
              disabled={!s.detail || s.busy}
              onClick={() => s.id && ask('drop', { kind: 'one', id: s.id })}
            >
              Drop
            </button>
            <button type="button" className="btn btn-small btn-quiet" onClick={close} aria-label="Close the dead letter">
              Close
            </button>
          </>
        }
      >
        {s.loading && <Spinner label="Loading the dead letter…" />}
        {s.error && <ErrorState message={s.error} onRetry={() => s.id && void useDeadLetters.getState().open(s.id)} />}
        {s.detail && <Detail d={s.detail} />}
      </Panel>
    </aside>
  );
}

function Detail({ d }: { d: DeadLetterDetail }) {
  return (
    <div className="ops-detail">
      <dl className="fields">
        <div className="field">
          <dt>Reason</dt>
          <dd className="ops-reason">{d.reason}</dd>
        </div>
        <div className="field">
          <dt>Event type</dt>
          <dd>{d.type || '—'}</dd>
        </div>
        <div className="field">
          <dt>Conversation</dt>
          <dd className="ops-mono">{d.conversationId || '—'}</dd>
        </div>
        <div className="field">
          <dt>Consumer</dt>
          <dd>{d.consumer || '—'}</dd>
        </div>
        <div className="field">
          <dt>Dead since</dt>
          <dd>{formatDateTime(d.deadAt)}</dd>
        </div>
        <div className="field">
          <dt>Retries</dt>
          <dd>
            {d.retries}
            {d.lastRetryAt ? ` (last ${formatDateTime(d.lastRetryAt)})` : ''}
          </dd>
        </div>
      </dl>
      <h4 className="ops-subhead">Original fields</h4>
      {d.fields.length === 0 ? (
        <EmptyState title="No fields were kept" />
      ) : (
        <dl className="ops-fields">
          {d.fields.map(([name, value], i) => (
            <div className="ops-field" key={`${name}-${i}`}>
              <dt className="ops-mono">{name}</dt>
              <dd>
                <FieldValue value={value} />
              </dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

/** A JSON object or list is shown for reading, with its text pretty-printed on demand. */
function FieldValue({ value }: { value: string }) {
  const [raw, setRaw] = useState(false);
  const parsed = parseJson(value);
  if (parsed === undefined) return <pre className="ops-raw">{value === '' ? '(empty)' : value}</pre>;
  return (
    <div className="ops-json">
      <button type="button" className="link-btn ops-raw-toggle" aria-pressed={raw} onClick={() => setRaw(!raw)}>
        {raw ? 'Show for reading' : 'Show JSON'}
      </button>
      {raw ? <pre className="ops-raw">{JSON.stringify(parsed, null, 2)}</pre> : <JsonView value={parsed} />}
    </div>
  );
}

/** The value as JSON when it is an object or a list; undefined otherwise. */
export function parseJson(v: string): JsonValue | undefined {
  const t = v.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return undefined;
  try {
    return JSON.parse(t) as JsonValue;
  } catch {
    return undefined;
  }
}
