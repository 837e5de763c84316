import { formatNumber } from '../domain/format';
import { useConnection } from '../stores/connection';

const LABEL = { connected: 'Connected', connecting: 'Connecting…', offline: 'Offline' } as const;

export function ConnectionIndicator() {
  const conn = useConnection((s) => s.conn);
  if (!conn) {
    return (
      <div className="conn conn-connecting" data-testid="connection">
        <span className="conn-dot" aria-hidden="true" />
        <span>Connecting…</span>
      </div>
    );
  }
  const total = conn.applied + conn.behind;
  const pct = total > 0 ? Math.floor((conn.applied / total) * 100) : 100;
  const title = [
    conn.redisUrl && `Redis: ${conn.redisUrl}`,
    conn.lastAppliedId && `Last applied: ${conn.lastAppliedId}`,
    `Applied: ${formatNumber(conn.applied)}`,
    conn.behind > 0 && `Behind: ${formatNumber(conn.behind)}`,
    conn.error && `Error: ${conn.error}`,
  ]
    .filter(Boolean)
    .join('\n');
  return (
    <div className={`conn conn-${conn.state}`} title={title} data-testid="connection">
      <span className="conn-dot" aria-hidden="true" />
      <span>{LABEL[conn.state]}</span>
      {conn.stale && <span className="conn-stale">stale</span>}
      {conn.catchingUp && (
        <span className="conn-catchup" aria-label={`Catching up ${pct}%`}>
          <span className="conn-bar">
            <span style={{ width: `${pct}%` }} />
          </span>
          <span className="conn-catchup-text">catching up · {formatNumber(conn.behind)} behind</span>
        </span>
      )}
      {conn.error && conn.state !== 'connected' && <span className="conn-error">{conn.error}</span>}
    </div>
  );
}
