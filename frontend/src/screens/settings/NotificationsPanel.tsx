import { Panel } from '../../components/Panel';
import { useNotifications } from '../../stores/notifications';

/** The supervisor's own choice of desktop notifications (off until turned on). */
export function NotificationsPanel() {
  const { enabled, loaded, saving, error, setEnabled } = useNotifications();
  return (
    <Panel title="Notifications (only for you)" testId="notifications-panel">
      <label className="toggle">
        <input
          type="checkbox"
          checked={enabled}
          disabled={!loaded || saving}
          onChange={(e) => void setEnabled(e.target.checked)}
        />
        <span>Tell me when a conversation starts needing attention</span>
      </label>
      <p className="muted small">
        One desktop notification per conversation, with the customer&apos;s name and the reason; when several arrive
        together you get one notification for all of them, at most one every 30 seconds. Nothing is announced while the
        app is syncing or offline. Click a notification to open the conversation. If this computer cannot show desktop
        notifications, they appear in the corner of this window instead.
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </Panel>
  );
}
