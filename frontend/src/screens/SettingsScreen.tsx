import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Settings } from '../api/types';
import { Panel } from '../components/Panel';
import { MachineDefaultsNote } from '../components/MachineDefaultsNote';
import { ErrorState, Skeleton } from '../components/States';
import { formatDuration } from '../domain/format';
import { isAdmin, useSession } from '../stores/session';
import { useSettings, validateSettings, type SettingsErrors } from '../stores/settings';
import { useSharedSettings } from '../stores/sharedSettings';
import { NotificationsPanel } from './settings/NotificationsPanel';
import { ConnectionReadOnly } from './settings/ConnectionReadOnly';
import { PersonalPanel } from './settings/PersonalPanel';
import { SharedSettingsPanel } from './settings/SharedSettingsPanel';

/**
 * Settings. Everyone has their personal preferences; the shared settings and this
 * desktop's connection are an administrator's: a supervisor sees them read-only (the
 * Go side refuses their changes too, app/roles.go).
 */
export function SettingsScreen() {
  const s = useSettings(
    useShallow((st) => ({ settings: st.settings, loading: st.loading, error: st.error })),
  );
  const admin = useSession((st) => isAdmin(st.session));
  useEffect(() => {
    void useSharedSettings.getState().load();
  }, []);
  return (
    <div className="page">
      <div className="page-head">
        <h2 className="page-title">Settings</h2>
      </div>
      <MachineDefaultsNote />
      <NotificationsPanel />
      <PersonalPanel />
      <SharedSettingsPanel />
      {!s.settings && s.loading && <Skeleton lines={8} label="Loading settings" />}
      {!s.settings && !s.loading && s.error && <ErrorState message={s.error} onRetry={() => void useSettings.getState().load()} />}
      {s.settings && admin && <SettingsForm key={JSON.stringify(s.settings)} initial={s.settings} mode="admin" />}
      {s.settings && !admin && <ConnectionReadOnly settings={s.settings} />}
    </div>
  );
}

/**
 * Where this app signs in, for the sign-in screen: a wrong backend URL can be fixed
 * before anyone can sign in. The ledger connection is only shown: it comes from the
 * backend at sign-in, and only an administrator changes it.
 */
export function ConnectionSettings() {
  const s = useSettings(
    useShallow((st) => ({ settings: st.settings, loading: st.loading, error: st.error })),
  );
  useEffect(() => {
    void useSettings.getState().load();
  }, []);
  if (!s.settings && s.error) return <ErrorState message={s.error} onRetry={() => void useSettings.getState().load()} />;
  if (!s.settings) return <Skeleton lines={6} label="Loading settings" />;
  return <SettingsForm key={JSON.stringify(s.settings)} initial={s.settings} mode="signIn" />;
}

function Field({
  label,
  error,
  hint,
  children,
}: {
  label: string;
  error?: string;
  hint?: ReactNode;
  children: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode;
}) {
  const id = useId();
  const noteId = `${id}-note`;
  const note = error ? (
    <small className="field-error" id={noteId}>
      {error}
    </small>
  ) : hint ? (
    <small className="muted" id={noteId}>
      {hint}
    </small>
  ) : null;
  return (
    <div className={error ? 'form-field invalid' : 'form-field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-describedby': note ? noteId : undefined, 'aria-invalid': error ? true : undefined })}
      {note}
    </div>
  );
}

/**
 * The settings form. "signIn": only the backend URL (the ledger connection shown, not
 * editable). "admin": this desktop's connection, the Redis URL and stream only with the
 * local override on (else they are the shared ones), and the status thresholds only
 * when the backend gives no shared ones.
 */
function SettingsForm({ initial, mode }: { initial: Settings; mode: 'signIn' | 'admin' }) {
  const { save, saving, saveError, savedAt } = useSettings(
    useShallow((st) => ({ save: st.save, saving: st.saving, saveError: st.saveError, savedAt: st.savedAt })),
  );
  const noShared = useSharedSettings((st) => st.shared === null && st.error !== null);
  const [f, setF] = useState<Settings>(initial);
  const [errors, setErrors] = useState<SettingsErrors>({});
  const [dirty, setDirty] = useState(false);
  const [removePassword, setRemovePassword] = useState(false);
  const admin = mode === 'admin';
  const localThresholds = admin && noShared;

  const set = <K extends keyof Settings>(k: K, v: Settings[K]) => {
    setF((x) => ({ ...x, [k]: v }));
    setDirty(true);
  };
  const setTh = (k: keyof Settings['thresholds'], v: string) => {
    setF((x) => ({ ...x, thresholds: { ...x.thresholds, [k]: v === '' ? Number.NaN : Number(v) } }));
    setDirty(true);
  };
  const setOverride = (on: boolean) => {
    // Off: back to the shared connection, which Go applies after the save.
    setF((x) => (on ? { ...x, connectionOverride: true } : { ...x, connectionOverride: false, redisUrl: initial.redisUrl, stream: initial.stream }));
    setDirty(true);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs = validateSettings(f);
    setErrors(errs);
    if (Object.keys(errs).length) return;
    const out: Settings = admin
      ? {
          ...f,
          thresholds: localThresholds ? f.thresholds : initial.thresholds,
          redisUrl: f.redisUrl.trim(),
          stream: f.stream.trim(),
          backendUrl: f.backendUrl.trim(),
          hasRedisPassword: f.redisPassword !== '' || (initial.hasRedisPassword && !removePassword),
        }
      : // Signed out only the backend URL may change (the Go side refuses the rest).
        { ...initial, redisPassword: '', backendUrl: f.backendUrl.trim() };
    const ok = await save(out);
    if (ok) setDirty(false);
  };

  const th = f.thresholds;
  const num = (v: number) => (Number.isNaN(v) ? '' : String(v));

  const passwordHint =
    initial.hasRedisPassword && !removePassword
      ? 'A password is stored; leave empty to keep it'
      : removePassword
        ? 'The stored password will be removed'
        : 'No password stored';
  const seconds = (v: number) => (Number.isNaN(v) ? undefined : formatDuration(v * 1000));
  const backendField = (
    <Field label="Backend URL" error={errors.backendUrl} hint="Required: where you sign in, e.g. https://billie.example.com">
      {(p) => <input {...p} value={f.backendUrl} required onChange={(e) => set('backendUrl', e.target.value)} />}
    </Field>
  );

  return (
    <form className="settings-form" onSubmit={(e) => void submit(e)} noValidate aria-label={admin ? 'Settings' : 'Connection settings'}>
      {!admin && (
        <Panel title="Where you sign in">
          {backendField}
          <p className="muted small" data-testid="ledger-by-admin">
            The conversations are read from {initial.redisUrl} (stream {initial.stream}). That connection comes from the
            backend when you sign in; only an administrator changes it.
          </p>
        </Panel>
      )}
      {admin && (
        <Panel title="This desktop's connection">
          <p className="muted small">
            Every desktop reads the ledger from the shared Redis URL and stream above. Only administrators see this
            form; supervisors see it read-only.
          </p>
          <label className="toggle">
            <input type="checkbox" checked={f.connectionOverride} onChange={(e) => setOverride(e.target.checked)} />
            Use another Redis or stream on this desktop only
          </label>
          <Field
            label="Redis URL"
            error={errors.redisUrl}
            hint={f.connectionOverride ? 'redis://host:6379 or rediss:// for TLS' : 'The shared one; turn on the option above to change it here'}
          >
            {(p) => (
              <input {...p} value={f.redisUrl} disabled={!f.connectionOverride} onChange={(e) => set('redisUrl', e.target.value)} />
            )}
          </Field>
          <Field label="Stream" error={errors.stream}>
            {(p) => <input {...p} value={f.stream} disabled={!f.connectionOverride} onChange={(e) => set('stream', e.target.value)} />}
          </Field>
          <p className="muted small">
            Redis account: the backend gives each desktop its own at sign-in. Set one here only where it cannot (some managed
            Redis).
          </p>
          <div className="form-row">
            <Field label="Username">
              {(p) => (
                <input {...p} value={f.redisUsername} autoComplete="off" onChange={(e) => set('redisUsername', e.target.value)} />
              )}
            </Field>
            <Field label="Password" hint={passwordHint}>
              {(p) => (
                <input
                  {...p}
                  type="password"
                  autoComplete="new-password"
                  value={f.redisPassword}
                  placeholder={initial.hasRedisPassword && !removePassword ? '••••••••' : ''}
                  onChange={(e) => set('redisPassword', e.target.value)}
                />
              )}
            </Field>
          </div>
          {initial.hasRedisPassword && (
            <label className="toggle small">
              <input
                type="checkbox"
                checked={removePassword}
                onChange={(e) => {
                  setRemovePassword(e.target.checked);
                  setDirty(true);
                }}
              />
              Remove the stored password
            </label>
          )}
          <label className="toggle">
            <input type="checkbox" checked={f.redisTls} onChange={(e) => set('redisTls', e.target.checked)} />
            Use TLS
          </label>
          {backendField}
        </Panel>
      )}
      {localThresholds && (
        <Panel title="Status thresholds (this desktop)">
          <p className="muted small">
            The backend gives no shared thresholds, so this desktop keeps its own: idle time since the last message after
            which a conversation changes status.
          </p>
          <div className="form-row three">
            <Field label="Paused after (s)" error={errors.pausedSeconds} hint={seconds(th.pausedSeconds)}>
              {(p) => (
                <input {...p} type="number" min={1} value={num(th.pausedSeconds)} onChange={(e) => setTh('pausedSeconds', e.target.value)} />
              )}
            </Field>
            <Field label="Soft end after (s)" error={errors.softEndSeconds} hint={seconds(th.softEndSeconds)}>
              {(p) => (
                <input {...p} type="number" min={1} value={num(th.softEndSeconds)} onChange={(e) => setTh('softEndSeconds', e.target.value)} />
              )}
            </Field>
            <Field label="Hard end after (s)" error={errors.hardEndSeconds} hint={seconds(th.hardEndSeconds)}>
              {(p) => (
                <input {...p} type="number" min={1} value={num(th.hardEndSeconds)} onChange={(e) => setTh('hardEndSeconds', e.target.value)} />
              )}
            </Field>
          </div>
        </Panel>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={saving || !dirty}>
          {saving ? 'Saving…' : admin ? 'Save settings' : 'Save connection'}
        </button>
        {saveError && (
          <span className="form-error" role="alert">
            {saveError}
          </span>
        )}
        {!saveError && savedAt && !dirty && (
          <span className="notice-ok" role="status">
            Settings saved
          </span>
        )}
        {Object.keys(errors).length > 0 && <span className="form-error">Please fix the highlighted fields.</span>}
      </div>
    </form>
  );
}
