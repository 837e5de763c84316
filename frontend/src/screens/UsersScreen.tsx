import { useEffect, useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Role, User } from '../api/types';
import { Panel } from '../components/Panel';
import { EmptyState, ErrorState, Skeleton } from '../components/States';
import { formatDateTime } from '../domain/format';
import { useSession } from '../stores/session';
import { useUsers } from '../stores/users';

const MIN_PASSWORD = 8;

export function UsersScreen() {
  const s = useUsers(
    useShallow((st) => ({
      users: st.users,
      loaded: st.loaded,
      loading: st.loading,
      error: st.error,
      actionError: st.actionError,
      notice: st.notice,
    })),
  );
  useEffect(() => {
    void useUsers.getState().load();
  }, []);

  return (
    <div className="page">
      <div className="page-head">
        <h2 className="page-title">Users</h2>
      </div>
      {s.notice && (
        <div className="notice-ok" role="status">
          {s.notice}
        </div>
      )}
      {s.actionError && (
        <div className="form-error" role="alert">
          {s.actionError}
        </div>
      )}
      <div className="two-col users-layout">
        <div className="col">
          <Panel title="Accounts">
            {!s.loaded && s.loading && <Skeleton lines={5} label="Loading users" />}
            {!s.loading && s.error && <ErrorState message={s.error} onRetry={() => void useUsers.getState().load()} />}
            {s.loaded && s.users.length === 0 && <EmptyState title="No users yet" />}
            {s.loaded && s.users.length > 0 && <UsersTable users={s.users} />}
          </Panel>
        </div>
        <div className="col narrow">
          <CreateUserForm />
        </div>
      </div>
    </div>
  );
}

function UsersTable({ users }: { users: User[] }) {
  const busyId = useUsers((s) => s.busyId);
  const me = useSession((s) => s.session?.email);
  const update = useUsers((s) => s.update);
  const [resetFor, setResetFor] = useState<number | null>(null);
  const [pw, setPw] = useState('');

  return (
    <table className="table">
      <thead>
        <tr>
          <th>Name</th>
          <th>Email</th>
          <th>Role</th>
          <th>Status</th>
          <th>Last sign-in</th>
          <th>Actions</th>
        </tr>
      </thead>
      <tbody>
        {users.map((u) => {
          const busy = busyId === u.id;
          const self = u.email === me;
          return (
            <tr key={u.id} className={u.disabled ? 'row-disabled' : ''}>
              <td className="strong">{u.name}</td>
              <td>{u.email}</td>
              <td>
                <select
                  aria-label={`Role of ${u.email}`}
                  value={u.role}
                  disabled={busy || self}
                  onChange={(e) => void update(u.id, { role: e.target.value as Role }, `${u.email} is now ${e.target.value}`)}
                >
                  <option value="supervisor">Supervisor</option>
                  <option value="admin">Admin</option>
                </select>
              </td>
              <td>{u.disabled ? <span className="tag tag-danger">Disabled</span> : <span className="tag tag-ok">Active</span>}</td>
              <td className="muted">{formatDateTime(u.lastLoginAt)}</td>
              <td>
                <div className="row-actions">
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={busy || self}
                    title={self ? 'You cannot disable yourself' : undefined}
                    onClick={() =>
                      void update(u.id, { disabled: !u.disabled }, `${u.email} ${u.disabled ? 'enabled' : 'disabled'}`)
                    }
                  >
                    {u.disabled ? 'Enable' : 'Disable'}
                  </button>
                  {resetFor === u.id ? (
                    <form
                      className="inline-form"
                      onSubmit={(e) => {
                        e.preventDefault();
                        if (pw.length < MIN_PASSWORD) return;
                        void update(u.id, { password: pw }, `Password reset for ${u.email}`).then((ok) => {
                          if (ok) {
                            setResetFor(null);
                            setPw('');
                          }
                        });
                      }}
                    >
                      <input
                        type="password"
                        aria-label={`New password for ${u.email}`}
                        placeholder={`New password (${MIN_PASSWORD}+ chars)`}
                        value={pw}
                        autoFocus
                        onChange={(e) => setPw(e.target.value)}
                      />
                      <button type="submit" className="btn btn-small btn-primary" disabled={busy || pw.length < MIN_PASSWORD}>
                        Set
                      </button>
                      <button
                        type="button"
                        className="btn btn-small btn-quiet"
                        onClick={() => {
                          setResetFor(null);
                          setPw('');
                        }}
                      >
                        Cancel
                      </button>
                    </form>
                  ) : (
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={busy}
                      onClick={() => {
                        setResetFor(u.id);
                        setPw('');
                      }}
                    >
                      Reset password
                    </button>
                  )}
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function CreateUserForm() {
  const create = useUsers((s) => s.create);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('supervisor');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) return setErr('Enter a valid email address');
    if (!name.trim()) return setErr('Enter a name');
    if (password.length < MIN_PASSWORD) return setErr(`The password needs at least ${MIN_PASSWORD} characters`);
    setErr(null);
    setBusy(true);
    const ok = await create({ email: email.trim(), name: name.trim(), role, password });
    setBusy(false);
    if (ok) {
      setEmail('');
      setName('');
      setPassword('');
      setRole('supervisor');
    }
  };

  return (
    <Panel title="New user">
      <form className="form" onSubmit={(e) => void submit(e)} aria-label="Create user">
        <label className="form-field">
          <span>Email</span>
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label className="form-field">
          <span>Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="form-field">
          <span>Role</span>
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option value="supervisor">Supervisor</option>
            <option value="admin">Admin</option>
          </select>
        </label>
        <label className="form-field">
          <span>Initial password</span>
          <input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {err && (
          <div className="form-error" role="alert">
            {err}
          </div>
        )}
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create user'}
        </button>
      </form>
    </Panel>
  );
}
