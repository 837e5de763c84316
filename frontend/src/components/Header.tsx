import { isAdmin, useSession } from '../stores/session';
import { routeOfSection, sectionOf, useRouter, type Section } from '../stores/router';
import { AboutButton } from './AboutDialog';
import { ConnectionIndicator } from './ConnectionIndicator';

const NAV: { section: Section; label: string; adminOnly?: boolean }[] = [
  { section: 'conversations', label: 'Conversations' },
  { section: 'customers', label: 'Customers' },
  { section: 'applications', label: 'Applications' },
  { section: 'users', label: 'Users', adminOnly: true },
  { section: 'operations', label: 'Operations', adminOnly: true },
  { section: 'settings', label: 'Settings' },
];

export function Header() {
  const session = useSession((s) => s.session);
  const signOut = useSession((s) => s.signOut);
  const route = useRouter((s) => s.route);
  const navigate = useRouter((s) => s.navigate);
  const current = sectionOf(route);
  const admin = isAdmin(session);

  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          B
        </span>
        <span className="brand-name">Billie Supervisor</span>
      </div>
      <nav className="nav" aria-label="Main">
        {NAV.filter((n) => !n.adminOnly || admin).map((n) => (
          <button
            key={n.section}
            type="button"
            className={n.section === current ? 'nav-item active' : 'nav-item'}
            aria-current={n.section === current ? 'page' : undefined}
            onClick={() => navigate(routeOfSection(n.section))}
          >
            {n.label}
          </button>
        ))}
      </nav>
      <div className="header-right">
        <ConnectionIndicator />
        <div className="user-chip" title={session?.email}>
          <span className="user-name">{session?.name || session?.email}</span>
          <span className="user-role">{session?.role}</span>
        </div>
        <AboutButton />
        <button type="button" className="btn btn-quiet" onClick={() => void signOut()}>
          Sign out
        </button>
      </div>
    </header>
  );
}
