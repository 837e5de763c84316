import { useEffect, useRef } from 'react';
import { Header } from './components/Header';
import { DataStateBanner } from './components/DataStateBanner';
import { KeyboardHelp } from './components/KeyboardHelp';
import { startDataClock } from './stores/dataClock';
import { navigate } from './stores/router';
import { Spinner } from './components/States';
import { ApplicationScreen } from './screens/ApplicationScreen';
import { ApplicationsScreen } from './screens/ApplicationsScreen';
import { AttentionScreen } from './screens/AttentionScreen';
import { Palette } from './components/Palette';
import { useWorkspaceKeys } from './hooks/useWorkspaceKeys';
import { ConversationScreen } from './screens/ConversationScreen';
import { ConversationsScreen } from './screens/ConversationsScreen';
import { CustomerScreen } from './screens/CustomerScreen';
import { CustomersScreen } from './screens/CustomersScreen';
import { SettingsScreen } from './screens/SettingsScreen';
import { SignInScreen } from './screens/SignInScreen';
import { UsersScreen } from './screens/UsersScreen';
import { AlertsBanner } from './screens/operations/AlertsBanner';
import { OperationsScreen } from './screens/operations/OperationsScreen';
import { startLive } from './stores/live';
import { startNotifications } from './stores/notifications';
import { Toasts } from './components/Toasts';
import { ViewsLayout } from './screens/conversations/SavedViews';
import { resetUserData } from './stores/reset';
import { useRouter } from './stores/router';
import { isAdmin, useSession } from './stores/session';
import { useSharedSettings } from './stores/sharedSettings';
import { startTicker, useTicker } from './stores/ticker';
import { EmptyState } from './components/States';

export default function App() {
  const phase = useSession((s) => s.phase);
  useEffect(() => {
    void useSession.getState().init();
  }, []);
  // Drop everything the previous user saw when they sign out (or the session expires).
  const prev = useRef(phase);
  useEffect(() => {
    if (prev.current === 'signedIn' && phase === 'signedOut') resetUserData();
    prev.current = phase;
  }, [phase]);
  if (phase === 'loading') {
    return (
      <div className="splash">
        <Spinner label="Starting Billie Supervisor…" />
      </div>
    );
  }
  if (phase === 'signedOut') return <SignInScreen />;
  return <SignedIn />;
}

function SignedIn() {
  useEffect(() => {
    const stopTicker = startTicker();
    const stopLive = startLive();
    const stopClock = startDataClock();
    const stopNotifications = startNotifications();
    // The shared settings (thresholds, ledger) from the backend, then the local ones.
    void useSharedSettings.getState().load();
    return () => {
      stopNotifications();
      stopClock();
      stopLive();
      stopTicker();
    };
  }, []);
  useSessionExpiry();
  useWorkspaceKeys();
  const admin = useSession((s) => isAdmin(s.session));
  return (
    <div className="app-shell">
      <Header />
      {admin && <AlertsBanner />}
      <Palette />
      <DataStateBanner onSettings={() => navigate({ name: 'settings' })} />
      <main className="app-main">
        <RouteView />
      </main>
      <KeyboardHelp />
      <Toasts />
    </div>
  );
}

/** Returns to sign-in when the session's expiry passes (checked on each tick). */
function useSessionExpiry() {
  const now = useTicker((s) => s.now);
  const expiresAt = useSession((s) => s.session?.expiresAt);
  useEffect(() => {
    if (!expiresAt) return;
    const t = Date.parse(expiresAt);
    if (!Number.isNaN(t) && t <= now) useSession.getState().expire();
  }, [now, expiresAt]);
}

function RouteView() {
  const route = useRouter((s) => s.route);
  const admin = useSession((s) => isAdmin(s.session));
  switch (route.name) {
    case 'attention':
      return <AttentionScreen />;
    case 'conversations':
      return (
        <ViewsLayout>
          <ConversationsScreen />
        </ViewsLayout>
      );
    case 'conversation':
      return <ConversationScreen id={route.id} />;
    case 'customers':
      return <CustomersScreen />;
    case 'customer':
      return <CustomerScreen id={route.id} />;
    case 'applications':
      return <ApplicationsScreen />;
    case 'application':
      return <ApplicationScreen number={route.number} />;
    case 'users':
      return admin ? <UsersScreen /> : <EmptyState title="Only administrators can manage users." />;
    case 'settings':
      return <SettingsScreen />;
    case 'operations':
      return admin ? (
        <OperationsScreen screen={route.screen} />
      ) : (
        <EmptyState title="Only administrators can see operations." />
      );
  }
}
