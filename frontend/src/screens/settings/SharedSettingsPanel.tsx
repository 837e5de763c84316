import { useState, type FormEvent } from 'react';
import type { SharedSettings } from '../../api/types';
import { Panel } from '../../components/Panel';
import { formatDuration } from '../../domain/format';
import { isAdmin, useSession } from '../../stores/session';
import { useSharedSettings } from '../../stores/sharedSettings';

/**
 * The shared settings: an admin edits them for every desktop; a supervisor sees them
 * read-only.
 */
export function SharedSettingsPanel() {
  const admin = useSession((s) => isAdmin(s.session));
  const shared = useSharedSettings((s) => s.shared);
  const error = useSharedSettings((s) => s.error);
  return (
    <Panel title="Shared by every desktop">
      {!shared && error && (
        <p className="muted small" role="status">
          The backend did not give the shared settings ({error}); this desktop keeps the ones it last had.
        </p>
      )}
      {shared && !admin && <SharedReadOnly s={shared} />}
      {shared && admin && <SharedForm key={JSON.stringify(shared)} initial={shared} />}
    </Panel>
  );
}

function SharedReadOnly({ s }: { s: SharedSettings }) {
  return (
    <div data-testid="shared-settings-readonly">
      <p className="muted small">
        Set by an administrator for everyone, so every supervisor sees the same status for a conversation.
      </p>
      <dl className="shared-settings-list">
        <dt>Redis URL</dt>
        <dd className="mono">{s.redisUrl}</dd>
        <dt>Stream</dt>
        <dd className="mono">{s.stream}</dd>
        <dt>Paused after</dt>
        <dd>{formatDuration(s.thresholds.pausedSeconds * 1000)}</dd>
        <dt>Soft end after</dt>
        <dd>{formatDuration(s.thresholds.softEndSeconds * 1000)}</dd>
        <dt>Hard end after</dt>
        <dd>{formatDuration(s.thresholds.hardEndSeconds * 1000)}</dd>
      </dl>
    </div>
  );
}

function SharedForm({ initial }: { initial: SharedSettings }) {
  const save = useSharedSettings((s) => s.save);
  const saving = useSharedSettings((s) => s.saving);
  const saveError = useSharedSettings((s) => s.saveError);
  const savedAt = useSharedSettings((s) => s.savedAt);
  const [f, setF] = useState(initial);
  const [dirty, setDirty] = useState(false);
  const change = (patch: Partial<SharedSettings>) => {
    setF((x) => ({ ...x, ...patch }));
    setDirty(true);
  };
  const th = (k: keyof SharedSettings['thresholds'], v: string) => change({ thresholds: { ...f.thresholds, [k]: Number(v) } });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await save({ ...f, redisUrl: f.redisUrl.trim(), stream: f.stream.trim() })) setDirty(false);
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-label="Shared settings">
      <p className="muted small">Every desktop applies these at sign-in. Changes are recorded in the audit log.</p>
      <div className="form-row">
        <label className="form-field">
          <span>Shared Redis URL (no password: each desktop reads with its own)</span>
          <input value={f.redisUrl} onChange={(e) => change({ redisUrl: e.target.value })} />
        </label>
        <label className="form-field">
          <span>Shared stream</span>
          <input value={f.stream} onChange={(e) => change({ stream: e.target.value })} />
        </label>
      </div>
      <div className="form-row three">
        <label className="form-field">
          <span>Paused after (s)</span>
          <input type="number" min={1} value={f.thresholds.pausedSeconds} onChange={(e) => th('pausedSeconds', e.target.value)} />
        </label>
        <label className="form-field">
          <span>Soft end after (s)</span>
          <input type="number" min={1} value={f.thresholds.softEndSeconds} onChange={(e) => th('softEndSeconds', e.target.value)} />
        </label>
        <label className="form-field">
          <span>Hard end after (s)</span>
          <input type="number" min={1} value={f.thresholds.hardEndSeconds} onChange={(e) => th('hardEndSeconds', e.target.value)} />
        </label>
      </div>
      {saveError && (
        <div className="form-error" role="alert">
          {saveError}
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={saving || !dirty}>
          {saving ? 'Saving…' : 'Save for everyone'}
        </button>
        {savedAt && !dirty && <span className="muted small">Saved for everyone</span>}
      </div>
    </form>
  );
}
