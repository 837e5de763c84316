/** The Operations area (admins only): its tabs and the screen of the route. */
import type { OpsScreen } from '../../api/types';
import { OPS_SCREENS, useRouter } from '../../stores/router';
import { AuditScreen } from './AuditScreen';
import { DeadLettersScreen } from './DeadLettersScreen';
import { DesktopsScreen } from './DesktopsScreen';
import { PipelineScreen } from './PipelineScreen';
import { RebuildsScreen } from './RebuildsScreen';

export const OPS_LABELS: Record<OpsScreen, string> = {
  pipeline: 'Pipeline',
  'dead-letters': 'Dead letters',
  rebuilds: 'Rebuild and replay',
  desktops: 'Desktops',
  audit: 'Audit log',
};

export function OperationsScreen({ screen }: { screen: OpsScreen }) {
  const navigate = useRouter((s) => s.navigate);
  return (
    <div className="ops-area">
      <nav className="ops-tabs" aria-label="Operations">
        {OPS_SCREENS.map((s) => (
          <button
            key={s}
            type="button"
            className={s === screen ? 'ops-tab active' : 'ops-tab'}
            aria-current={s === screen ? 'page' : undefined}
            onClick={() => navigate({ name: 'operations', screen: s })}
          >
            {OPS_LABELS[s]}
          </button>
        ))}
      </nav>
      {screen === 'pipeline' && <PipelineScreen />}
      {screen === 'dead-letters' && <DeadLettersScreen />}
      {screen === 'rebuilds' && <RebuildsScreen />}
      {screen === 'desktops' && <DesktopsScreen />}
      {screen === 'audit' && <AuditScreen />}
    </div>
  );
}
