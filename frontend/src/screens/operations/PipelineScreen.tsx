/**
 * Pipeline: tiles for what an admin checks first, refreshed every 5 s while shown, the
 * charts of the last hour or day, and the details behind the tiles.
 */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { HistoryWindow, Pipeline, PipelineHistory } from '../../api/types';
import { Panel } from '../../components/Panel';
import { ProgressBar } from '../../components/ProgressBar';
import { EmptyState, ErrorState, Skeleton } from '../../components/States';
import { TimeAgo } from '../../components/TimeAgo';
import { TimeChart, type ChartSeries } from '../../components/TimeChart';
import { formatDuration, formatNumber, humanise } from '../../domain/format';
import { usePipeline, watchPipeline } from '../../stores/pipeline';
import { useRouter } from '../../stores/router';
import { formatBytes, formatMs, formatRate } from './format';

/** How often the pipeline screens poll while shown. */
export const LIVE_EVERY_MS = 5_000;
/** How often the history reloads (it has one point a minute). */
const HISTORY_EVERY_MS = 60_000;

export function PipelineScreen() {
  const pipeline = usePipeline((s) => s.pipeline);
  const error = usePipeline((s) => s.error);
  const updatedAt = usePipeline((s) => s.updatedAt);
  useEffect(() => watchPipeline(LIVE_EVERY_MS), []);

  return (
    <div className="page ops-page" data-testid="ops-pipeline">
      <div className="page-head">
        <h2 className="page-title">Pipeline</h2>
        {updatedAt && (
          <span className="muted ops-updated">
            Updated <TimeAgo iso={new Date(updatedAt).toISOString()} />
          </span>
        )}
      </div>
      {!pipeline && !error && <Skeleton lines={6} label="Loading the pipeline" />}
      {!pipeline && error && (
        <ErrorState title="Cannot load the pipeline" message={error} onRetry={() => void usePipeline.getState().load()} />
      )}
      {pipeline && error && (
        <div className="form-error" role="alert">
          Could not refresh: {error}. Showing what the backend said earlier.
        </div>
      )}
      {pipeline && <PipelineBody p={pipeline} />}
    </div>
  );
}

function PipelineBody({ p }: { p: Pipeline }) {
  const navigate = useRouter((s) => s.navigate);
  const open = p.breakers.filter((b) => b.state !== 'closed');
  const critical = p.alerts.some((a) => a.severity === 'critical');
  return (
    <>
      <div className="ops-tiles" role="list" aria-label="Pipeline health">
        <Tile label="Redis" tone={p.redis.ok ? 'ok' : 'bad'} value={p.redis.ok ? 'Reachable' : 'Unreachable'}>
          {p.redis.ok ? `round trip ${formatMs(p.redis.rttMs)}` : p.redis.error || 'no answer'}
        </Tile>
        <Tile label="Database" tone={p.database.ok ? 'ok' : 'bad'} value={p.database.ok ? 'Reachable' : 'Unreachable'}>
          {p.database.ok
            ? `round trip ${formatMs(p.database.rttMs)} · ${formatBytes(p.database.sizeBytes)}`
            : p.database.error || 'no answer'}
        </Tile>
        <Tile label="Lag" tone={p.projection.behind > 1000 ? 'warn' : 'ok'} value={`${formatNumber(p.projection.behind)} behind`}>
          {formatNumber(p.projection.pending)} pending
        </Tile>
        <Tile label="Events per second" value={formatRate(p.projection.eventsPerSec1m)}>
          {formatRate(p.projection.eventsPerSec15m)} over 15 minutes
        </Tile>
        <Tile
          label="Dead letters"
          tone={p.deadLetters.count > 0 ? 'warn' : 'ok'}
          value={formatNumber(p.deadLetters.count)}
          onOpen={() => navigate({ name: 'operations', screen: 'dead-letters' })}
          openLabel="Open dead letters"
        >
          {p.deadLetters.count === 0 ? 'none waiting' : 'waiting for a retry or drop'}
        </Tile>
        <Tile
          label="Circuit breakers"
          tone={open.length ? 'bad' : 'ok'}
          value={open.length ? `${open.length} open` : 'All closed'}
        >
          {open.length
            ? open.map((b) => `${b.name} ${b.state}`).join(', ')
            : p.breakers.length
              ? p.breakers.map((b) => b.name).join(', ')
              : 'none reported'}
        </Tile>
        <Tile
          label="Alerts"
          tone={p.alerts.length === 0 ? 'ok' : critical ? 'bad' : 'warn'}
          value={p.alerts.length === 0 ? 'None firing' : `${p.alerts.length} firing`}
        >
          {p.alerts.map((a) => a.summary || a.name).join('; ') || 'all quiet'}
        </Tile>
      </div>

      {p.rebuild && p.rebuild.state === 'running' && (
        <Panel title={`${p.rebuild.kind === 'replay' ? 'Replay' : 'Rebuild'} running`}>
          <div className="ops-inline-progress">
            <ProgressBar done={p.rebuild.done} total={p.rebuild.total} label="Rebuild progress" />
            <button type="button" className="link-btn" onClick={() => navigate({ name: 'operations', screen: 'rebuilds' })}>
              Follow it
            </button>
          </div>
        </Panel>
      )}

      <HistoryCharts />

      <div className="ops-grid-2">
        <Panel title="Stream and projection">
          <dl className="fields">
            <Field k="Stream">{p.stream.key}</Field>
            <Field k="Entries">{formatNumber(p.stream.length)}</Field>
            <Field k="First entry (trim horizon)">{p.stream.firstId || '—'}</Field>
            <Field k="Last entry">{p.stream.lastId || '—'}</Field>
            <Field k="Last applied">{p.projection.lastAppliedId || '—'}</Field>
            <Field k="Group">{p.projection.group}</Field>
            <Field k="Lease holder">{p.projection.leaseHolder || 'nobody'}</Field>
            <Field k="Archive and database">{formatBytes(p.database.sizeBytes)}</Field>
            <Field k="Accounts and audit">{formatBytes(p.database.opsSizeBytes)}</Field>
            <Field k="Last error">
              {p.projection.lastError ? (
                <>
                  {p.projection.lastError} <span className="muted">(<TimeAgo iso={p.projection.lastErrorAt} />)</span>
                </>
              ) : (
                'none'
              )}
            </Field>
          </dl>
        </Panel>
        <Panel title="Consumers and outcomes">
          {p.projection.consumers.length === 0 ? (
            <EmptyState title="No consumers in the group" />
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>Consumer</th>
                  <th className="num">Pending</th>
                  <th className="num">Idle</th>
                </tr>
              </thead>
              <tbody>
                {p.projection.consumers.map((c) => (
                  <tr key={c.name}>
                    <td>{c.name}</td>
                    <td className="num">{formatNumber(c.pending)}</td>
                    <td className="num">{formatDuration(c.idleMs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <dl className="fields ops-outcomes">
            {Object.entries(p.projection.outcomes)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, n]) => (
                <Field key={k} k={humanise(k)}>
                  {formatNumber(n)}
                </Field>
              ))}
          </dl>
        </Panel>
      </div>
    </>
  );
}

function Field({ k, children }: { k: string; children: ReactNode }) {
  return (
    <div className="field">
      <dt>{k}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Tile({
  label,
  value,
  tone = 'neutral',
  children,
  onOpen,
  openLabel,
}: {
  label: string;
  value: string;
  tone?: 'ok' | 'warn' | 'bad' | 'neutral';
  children?: ReactNode;
  onOpen?: () => void;
  openLabel?: string;
}) {
  return (
    <div className={`ops-tile tone-${tone}`} role="listitem" aria-label={`${label}: ${value}`}>
      <div className="ops-tile-label">{label}</div>
      <div className="ops-tile-value">{value}</div>
      <div className="ops-tile-sub">{children}</div>
      {onOpen && (
        <button type="button" className="link-btn ops-tile-open" onClick={onOpen}>
          {openLabel}
        </button>
      )}
    </div>
  );
}

const WINDOWS: { w: HistoryWindow; label: string }[] = [
  { w: '1h', label: 'Last hour' },
  { w: '24h', label: 'Last day' },
];

function HistoryCharts() {
  const [w, setW] = useState<HistoryWindow>('1h');
  const history = usePipeline((s) => s.history[w]);
  const error = usePipeline((s) => s.historyError);
  useEffect(() => {
    const load = () => {
      if (document.visibilityState !== 'hidden') void usePipeline.getState().loadHistory(w);
    };
    load();
    const t = setInterval(load, HISTORY_EVERY_MS);
    return () => clearInterval(t);
  }, [w]);
  return (
    <Panel
      title="History"
      actions={
        <div className="ops-segmented" role="group" aria-label="Chart window">
          {WINDOWS.map((x) => (
            <button
              key={x.w}
              type="button"
              className={x.w === w ? 'chip active' : 'chip'}
              aria-pressed={x.w === w}
              onClick={() => setW(x.w)}
            >
              {x.label}
            </button>
          ))}
        </div>
      }
    >
      {!history && !error && <Skeleton lines={3} label="Loading the history" />}
      {!history && error && (
        <ErrorState title="Cannot load the history" message={error} onRetry={() => void usePipeline.getState().loadHistory(w)} />
      )}
      {history && history.points.length === 0 && <EmptyState title="No history yet">The backend records one point a minute.</EmptyState>}
      {history && history.points.length > 0 && <Charts h={history} />}
    </Panel>
  );
}

const WINDOW_SECONDS: Record<HistoryWindow, number> = { '1h': 3600, '24h': 86_400 };

function Charts({ h }: { h: PipelineHistory }) {
  const d = useMemo(() => {
    const col = (f: (p: PipelineHistory['points'][number]) => number) => h.points.map(f);
    const times = h.points.map((p) => Date.parse(p.at) / 1000);
    const end = Math.max(Date.now() / 1000, times[times.length - 1] ?? 0);
    return {
      range: [end - WINDOW_SECONDS[h.window === '24h' ? '24h' : '1h'], end] as [number, number],
      times,
      events: [{ label: 'Events/s', values: col((p) => p.eventsPerSec), color: '#2f6fdf' }] as ChartSeries[],
      lag: [{ label: 'Behind', values: col((p) => p.lag), color: '#a86400' }] as ChartSeries[],
      errors: [
        { label: 'Errors', values: col((p) => p.errors), color: '#c0392b' },
        { label: 'Dead letters', values: col((p) => p.deadLetters), color: '#6b4a8a' },
      ] as ChartSeries[],
      api: [
        { label: 'Requests/s', values: col((p) => p.apiRequestsPerSec), color: '#1e8a4c' },
        { label: 'p99 ms', values: col((p) => p.apiP99Ms), color: '#55606e' },
      ] as ChartSeries[],
    };
  }, [h]);
  return (
    <div className="ops-charts">
      <TimeChart title="Events per second" times={d.times} xRange={d.range} series={d.events} />
      <TimeChart title="Entries behind" times={d.times} xRange={d.range} series={d.lag} />
      <TimeChart title="Errors and dead letters" times={d.times} xRange={d.range} series={d.errors} />
      <TimeChart title="Customer API" times={d.times} xRange={d.range} series={d.api} />
    </div>
  );
}
