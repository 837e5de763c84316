import { clockTime, timeLeft } from '../domain/dataState';
import { formatNumber } from '../domain/format';
import { useConnection } from '../stores/connection';
import { useDataClock } from '../stores/dataClock';

/** The header's one-line data state: Live, Catching up N %, Offline since HH:MM, Connecting…. */
export function ConnectionIndicator() {
  const conn = useConnection((s) => s.conn);
  const d = useDataClock((s) => s.state);
  const title = conn
    ? [
        conn.redisUrl && `Redis: ${conn.redisUrl}`,
        conn.lastAppliedId && `Last applied: ${conn.lastAppliedId}`,
        `Applied since start: ${formatNumber(conn.applied)}`,
        conn.behind > 0 && `Behind: ${formatNumber(conn.behind)}`,
        conn.error && `Detail: ${conn.error}`,
      ]
        .filter(Boolean)
        .join('\n')
    : undefined;
  switch (d.kind) {
    case 'live':
      return (
        <div className="conn conn-connected" title={title} data-testid="connection" data-state="live">
          <span className="conn-dot" aria-hidden="true" />
          <span>Live</span>
        </div>
      );
    case 'catchingUp': {
      const pct = Math.floor(d.percent);
      return (
        <div className="conn conn-connecting" title={title} data-testid="connection" data-state="catching-up">
          <span className="conn-catchup" aria-label={`Catching up ${pct}%`}>
            <span className="conn-bar">
              <span style={{ width: `${pct}%` }} />
            </span>
            <span className="conn-catchup-text">
              Catching up {pct}%{d.etaSeconds !== null ? ` · ${timeLeft(d.etaSeconds)}` : ''}
            </span>
          </span>
        </div>
      );
    }
    case 'offline':
      return (
        <div className="conn conn-offline" title={title} data-testid="connection" data-state="offline">
          <span className="conn-dot" aria-hidden="true" />
          <span>{d.since !== null ? `Offline since ${clockTime(d.since)}` : 'Offline'}</span>
        </div>
      );
    default:
      return (
        <div className="conn conn-connecting" title={title} data-testid="connection" data-state="connecting">
          <span className="conn-dot" aria-hidden="true" />
          <span>Connecting…</span>
        </div>
      );
  }
}
