import { useEffect, useState } from 'react';
import { api, errorMessage } from '../api/client';
import { clockTime, timeLeft } from '../domain/dataState';
import { useConnection } from '../stores/connection';
import { startDataClock, useDataClock } from '../stores/dataClock';
import { startTicker } from '../stores/ticker';

/**
 * Says plainly when the data is not live: offline (since when, why, as of when, with
 * Retry and a way to the connection settings) or catching up (percent, time left,
 * statuses not final yet). Nothing while live.
 */
export function DataStateBanner({ onSettings }: { onSettings(): void }) {
  const d = useDataClock((s) => s.state);
  const [retrying, setRetrying] = useState(false);
  const [retryError, setRetryError] = useState<string | null>(null);
  if (d.kind === 'offline') {
    const retry = async () => {
      setRetrying(true);
      setRetryError(null);
      try {
        await api().retryConnection();
      } catch (e) {
        setRetryError(errorMessage(e));
      } finally {
        setRetrying(false);
      }
    };
    return (
      <div className="data-banner data-banner-offline" role="alert" data-testid="offline-banner">
        <div className="data-banner-text">
          <strong>{d.since !== null ? `Offline since ${clockTime(d.since)}.` : 'Offline.'}</strong> {d.problem}{' '}
          {d.asOf !== null ? (
            <span>
              What you see is as of <strong data-testid="as-of">{clockTime(d.asOf)}</strong> and does not change until the
              connection is back.
            </span>
          ) : (
            <span>No conversations have been copied to this computer yet.</span>
          )}
          {d.retrying && <span className="muted"> Trying again…</span>}
          {retryError && <span className="muted"> {retryError}</span>}
        </div>
        <div className="data-banner-actions">
          <button type="button" className="btn btn-small" onClick={() => void retry()} disabled={retrying}>
            {retrying ? 'Retrying…' : 'Retry now'}
          </button>
          <button type="button" className="btn btn-small btn-quiet" onClick={onSettings}>
            Connection settings
          </button>
        </div>
      </div>
    );
  }
  if (d.kind === 'catchingUp') {
    const pct = Math.floor(d.percent);
    return (
      <div className="data-banner data-banner-sync" role="status" data-testid="sync-banner">
        <div className="data-banner-text">
          <strong>
            {d.firstSync ? 'Copying the conversations to this computer' : 'Catching up with the ledger'}: {pct}%
          </strong>
          {d.etaSeconds !== null && <span> · {timeLeft(d.etaSeconds)}</span>}
          <span className="muted"> Statuses and counts are not final until it is done.</span>
        </div>
        <div className="data-banner-bar" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100} aria-label="Catch-up progress">
          <span style={{ width: `${pct}%` }} />
        </div>
      </div>
    );
  }
  return null;
}

/**
 * The data state on the sign-in screen: the ledger is read before anyone signs in, so
 * a first copy's progress (or a problem reaching Redis) shows here already. No
 * conversation data: only the state.
 */
export function SignInDataState({ onSettings }: { onSettings(): void }) {
  useEffect(() => {
    const off = api().onConnection((c) => useConnection.getState().set(c));
    void useConnection.getState().load();
    const stopTicker = startTicker();
    const stopClock = startDataClock();
    return () => {
      stopClock();
      stopTicker();
      off();
    };
  }, []);
  const d = useDataClock((s) => s.state);
  if (d.kind !== 'offline' && d.kind !== 'catchingUp') return null;
  return (
    <div className="signin-data-state" data-testid="signin-data-state">
      <DataStateBanner onSettings={onSettings} />
    </div>
  );
}
