import { useState, type FormEvent } from 'react';
import { useSession } from '../stores/session';

export function SignInScreen() {
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
    <div className="signin-page">
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
      </form>
    </div>
  );
}
