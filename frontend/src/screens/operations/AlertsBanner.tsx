/**
 * The alerts firing now, above every screen of an admin, each with a link to the
 * Operations screen that helps. It keeps the pipeline loaded every 30 s for that.
 */
import { useEffect } from 'react';
import { usePipeline, watchPipeline } from '../../stores/pipeline';
import { useRouter } from '../../stores/router';
import { OPS_LABELS } from './OperationsScreen';

/** How often an admin's window checks for alerts when no Operations screen is open. */
export const ALERTS_EVERY_MS = 30_000;

export function AlertsBanner() {
  const alerts = usePipeline((s) => s.pipeline?.alerts);
  const navigate = useRouter((s) => s.navigate);
  useEffect(() => watchPipeline(ALERTS_EVERY_MS), []);
  if (!alerts || alerts.length === 0) return null;
  const critical = alerts.some((a) => a.severity === 'critical');
  return (
    <section className={critical ? 'alerts-banner critical' : 'alerts-banner'} aria-label="Alerts" role="region">
      <ul>
        {alerts.map((a) => (
          <li key={a.name}>
            <span className={`alerts-sev sev-${a.severity}`}>{a.severity === 'critical' ? 'Critical' : 'Warning'}</span>
            <span className="alerts-text">{a.summary || a.name}</span>
            {a.runbook && <span className="alerts-runbook">Runbook: {a.runbook}</span>}
            <button
              type="button"
              className="link-btn"
              onClick={() => navigate({ name: 'operations', screen: a.screen || 'pipeline' })}
            >
              Open {OPS_LABELS[a.screen] ?? 'Pipeline'}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
