/** Desktops: every desktop's last report (user, version, host, how far behind). */
import { useEffect } from 'react';
import { EmptyState, ErrorState, Skeleton } from '../../components/States';
import { TimeAgo } from '../../components/TimeAgo';
import { formatNumber } from '../../domain/format';
import { usePipeline, watchPipeline } from '../../stores/pipeline';
import { LIVE_EVERY_MS } from './PipelineScreen';

export function DesktopsScreen() {
  const pipeline = usePipeline((s) => s.pipeline);
  const error = usePipeline((s) => s.error);
  useEffect(() => watchPipeline(LIVE_EVERY_MS), []);
  const desktops = pipeline?.desktops ?? [];
  const stale = desktops.filter((d) => d.stale).length;
  return (
    <div className="page ops-page" data-testid="ops-desktops">
      <div className="page-head">
        <h2 className="page-title">Desktops</h2>
        {pipeline && (
          <span className="muted">
            {desktops.length} reporting{stale ? `, ${stale} stale` : ''} · each reports every 30 seconds
          </span>
        )}
      </div>
      {!pipeline && !error && <Skeleton lines={4} label="Loading desktops" />}
      {!pipeline && error && (
        <ErrorState title="Cannot load the desktops" message={error} onRetry={() => void usePipeline.getState().load()} />
      )}
      {pipeline && error && (
        <div className="form-error" role="alert">
          Could not refresh: {error}
        </div>
      )}
      {pipeline && desktops.length === 0 && (
        <EmptyState title="No desktop has reported yet">A signed-in desktop reports within 30 seconds.</EmptyState>
      )}
      {desktops.length > 0 && (
        <div className="panel ops-table-wrap">
          <table className="table" aria-label="Desktops">
            <thead>
              <tr>
                <th>User</th>
                <th>Host</th>
                <th>Version</th>
                <th className="num">Behind</th>
                <th>Cache position</th>
                <th>Last report</th>
              </tr>
            </thead>
            <tbody>
              {desktops.map((d) => (
                <tr key={`${d.user}|${d.host}`} className={d.stale ? 'ops-stale' : ''}>
                  <td>
                    <span className="strong">{d.name || d.user}</span>
                    {d.name && <span className="muted ops-sub">{d.user}</span>}
                  </td>
                  <td>{d.host || '—'}</td>
                  <td>{d.version}</td>
                  <td className="num">{formatNumber(d.behind)}</td>
                  <td className="ops-mono">{d.cachePosition || '—'}</td>
                  <td>
                    <TimeAgo iso={d.reportedAt} />{' '}
                    {d.stale && <span className="tag tag-danger">Stale</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
