import { useEffect, useRef, useState } from 'react';
import { useAbout } from '../stores/about';

/** The header's "About" button and the box it opens: version, commit, build date. */
export function AboutButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn btn-quiet" onClick={() => setOpen(true)}>
        About
      </button>
      {open && <AboutDialog onClose={() => setOpen(false)} />}
    </>
  );
}

export function AboutDialog({ onClose }: { onClose: () => void }) {
  const about = useAbout((s) => s.about);
  const error = useAbout((s) => s.error);
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    void useAbout.getState().load();
    close.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <div className="about-backdrop" onClick={onClose}>
      <div
        className="about-box"
        role="dialog"
        aria-modal="true"
        aria-labelledby="about-title"
        onClick={(e) => e.stopPropagation()}
      >
        <h2 id="about-title">Billie Supervisor</h2>
        {error && <p className="field-error">Could not read the version: {error}</p>}
        {!about && !error && <p className="muted">Loading…</p>}
        {about && (
          <dl className="about-facts">
            <dt>Version</dt>
            <dd>{about.version}</dd>
            <dt>Commit</dt>
            <dd>{about.commit || 'unknown (a developer build)'}</dd>
            <dt>Built</dt>
            <dd>{about.buildDate ? new Date(about.buildDate).toLocaleString() : 'unknown (a developer build)'}</dd>
            <dt>Platform</dt>
            <dd>{about.platform}</dd>
          </dl>
        )}
        <div className="about-actions">
          <button ref={close} type="button" className="btn" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
