import type { Settings } from '../../api/types';
import { Panel } from '../../components/Panel';

/**
 * This desktop's connection as a supervisor sees it: read-only, with who sets it. The
 * Go side refuses a supervisor's change too (app/roles.go).
 */
export function ConnectionReadOnly({ settings: s }: { settings: Settings }) {
  return (
    <Panel title="This desktop's connection" testId="connection-readonly">
      <p className="muted small">
        An administrator sets the connection: it comes from the backend for everyone. To sign in to another backend, sign
        out and change it on the sign-in screen.
      </p>
      <dl className="shared-settings-list">
        <dt>Backend URL</dt>
        <dd className="mono">{s.backendUrl}</dd>
        <dt>Redis URL</dt>
        <dd className="mono">{s.redisUrl}</dd>
        <dt>Stream</dt>
        <dd className="mono">{s.stream}</dd>
        <dt>Redis account</dt>
        <dd>{s.redisUsername ? s.redisUsername : 'Issued by the backend at sign-in'}</dd>
        <dt>TLS</dt>
        <dd>{s.redisTls ? 'On' : 'Off'}</dd>
        {s.connectionOverride && (
          <>
            <dt>Set by</dt>
            <dd>An administrator, for this desktop only</dd>
          </>
        )}
      </dl>
    </Panel>
  );
}
