import { openNotice, useNotifications } from '../stores/notifications';

/** The window's own notifications, when the desktop could not show them. */
export function Toasts() {
  const toasts = useNotifications((s) => s.toasts);
  const dismiss = useNotifications((s) => s.dismiss);
  if (toasts.length === 0) return null;
  return (
    <div className="toasts" role="status" aria-live="polite" aria-label="Notifications">
      {toasts.map((t) => (
        <div key={t.id} className="toast" data-testid="toast">
          <button
            type="button"
            className="toast-body"
            onClick={() => {
              dismiss(t.id);
              openNotice(t.conversationId);
            }}
          >
            <span className="toast-title">{t.title}</span>
            <span className="toast-text">{t.body}</span>
          </button>
          <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
