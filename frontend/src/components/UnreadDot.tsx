/** The unread marker of a card: a dot, named for screen readers and on hover. */
export const UNREAD_LABEL = 'New activity since you last looked';

export function UnreadDot() {
  return <span className="unread-dot" role="img" aria-label={UNREAD_LABEL} title={UNREAD_LABEL} data-testid="unread-dot" />;
}
