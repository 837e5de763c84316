import { useState, type FormEvent } from 'react';
import { SignInDataState } from '../components/DataStateBanner';
import { useSession } from '../stores/session';
import { ConnectionSettings } from './SettingsScreen';

/**
 * Sign-in, and from it the backend URL (required), so a wrong one can be fixed in the
 * app. Nothing of the ledger is shown here.
 */
export function SignInScreen() {
  const [view, setView] = useState<'signIn' | 'connection'>('signIn');
  return (
    <div className="signin-page">
      <SignInDataState onSettings={() => setView('connection')} />
      {view === 'signIn' ? (
        <SignInForm onConnection={() => setView('connection')} />
      ) : (
        <section className="signin-card signin-settings" aria-label="Connection settings">
          <div className="signin-settings-head">
            <h1 className="signin-title">Connection settings</h1>
            <button type="button" className="btn btn-quiet" onClick={() => setView('signIn')}>
              ← Back to sign in
            </button>
          </div>
          <p className="muted small">
            Where this app signs in. The rest (where conversations are read from, the status thresholds) comes from the
            backend after sign-in and is set by an administrator.
          </p>
          <ConnectionSettings />
        </section>
      )}
    </div>
  );
}

function SignInForm({ onConnection }: { onConnection(): void }) {
  const signIn = useSession((s) => s.signIn);
  const signingIn = useSession((s) => s.signingIn);
  const error = useSession((s) => s.error);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!email.trim() || !password) return;
    void signIn(email, password);
  };

  return (
    <form className="signin-card" onSubmit={submit} aria-label="Sign in">
      <div className="signin-brand">
        <span className="brand-mark" aria-hidden="true">
          B
        </span>
        <div>
          <h1 className="signin-title">Billie Supervisor</h1>
          <p className="muted">Sign in to watch live conversations</p>
        </div>
      </div>
      <label className="form-field">
        <span>Email</span>
        <input
          type="email"
          autoComplete="username"
          autoFocus
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
        />
      </label>
      <label className="form-field">
        <span>Password</span>
        <input
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
      </label>
      {error && (
        <div className="form-error" role="alert">
          {error}
        </div>
      )}
      <button type="submit" className="btn btn-primary btn-block" disabled={signingIn || !email.trim() || !password}>
        {signingIn ? 'Signing in…' : 'Sign in'}
      </button>
      <button type="button" className="link-btn signin-connection" onClick={onConnection}>
        Connection settings…
      </button>
    </form>
  );
}
