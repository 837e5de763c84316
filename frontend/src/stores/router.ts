/**
 * A small state-based router. The route lives in this store; `startHashSync` mirrors it
 * to `location.hash` so a reload keeps the place (the app runs in one window).
 */
import { create } from 'zustand';
import type { OpsScreen } from '../api/types';

export type Route =
  | { name: 'conversations' }
  | { name: 'attention' }
  | { name: 'conversation'; id: string }
  | { name: 'customers' }
  | { name: 'customer'; id: string }
  | { name: 'applications' }
  | { name: 'application'; number: string }
  | { name: 'users' }
  | { name: 'settings' }
  | { name: 'operations'; screen: OpsScreen };

export type Section = 'attention' | 'conversations' | 'customers' | 'applications' | 'users' | 'settings' | 'operations';

/** The Operations area's screens, in the order of its tabs. */
export const OPS_SCREENS: readonly OpsScreen[] = ['pipeline', 'dead-letters', 'rebuilds', 'desktops', 'audit'];

/** Where a section's navigation item goes. */
export function routeOfSection(s: Section): Route {
  return s === 'operations' ? { name: 'operations', screen: 'pipeline' } : { name: s };
}

export function sectionOf(r: Route): Section {
  switch (r.name) {
    case 'conversation':
      return 'conversations';
    case 'customer':
      return 'customers';
    case 'application':
      return 'applications';
    default:
      return r.name;
  }
}

/** Where Esc / "Back" goes from a route. */
export function parentOf(r: Route): Route {
  return r.name === 'operations' ? r : routeOfSection(sectionOf(r));
}

export function routeToHash(r: Route): string {
  switch (r.name) {
    case 'conversation':
      return `#/conversations/${encodeURIComponent(r.id)}`;
    case 'customer':
      return `#/customers/${encodeURIComponent(r.id)}`;
    case 'application':
      return `#/applications/${encodeURIComponent(r.number)}`;
    case 'operations':
      return `#/operations/${r.screen}`;
    default:
      return `#/${r.name}`;
  }
}

export function hashToRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const [section, rawId] = parts;
  const id = rawId ? safeDecode(rawId) : null;
  switch (section) {
    case 'conversations':
      return id ? { name: 'conversation', id } : { name: 'conversations' };
    case 'customers':
      return id ? { name: 'customer', id } : { name: 'customers' };
    case 'applications':
      return id ? { name: 'application', number: id } : { name: 'applications' };
    case 'attention':
      return { name: 'attention' };
    case 'users':
      return { name: 'users' };
    case 'settings':
      return { name: 'settings' };
    case 'operations': {
      const screen = OPS_SCREENS.find((x) => x === rawId) ?? 'pipeline';
      return { name: 'operations', screen };
    }
    default:
      return { name: 'conversations' };
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

interface RouterState {
  route: Route;
  navigate(r: Route): void;
  /** Goes to the parent of the current route (detail → its list). */
  back(): void;
}

export const initialRoute: Route = { name: 'conversations' };

export const useRouter = create<RouterState>()((set, get) => ({
  route: initialRoute,
  navigate: (route) => set({ route }),
  back: () => set({ route: parentOf(get().route) }),
}));

export function navigate(r: Route): void {
  useRouter.getState().navigate(r);
}

/** Mirrors the route to location.hash and back. Returns a stop function. */
export function startHashSync(): () => void {
  if (window.location.hash) useRouter.setState({ route: hashToRoute(window.location.hash) });
  const onHash = () => {
    const r = hashToRoute(window.location.hash);
    if (routeToHash(r) !== routeToHash(useRouter.getState().route)) useRouter.setState({ route: r });
  };
  window.addEventListener('hashchange', onHash);
  const unsub = useRouter.subscribe((s) => {
    const h = routeToHash(s.route);
    if (window.location.hash !== h) window.location.hash = h;
  });
  return () => {
    window.removeEventListener('hashchange', onHash);
    unsub();
  };
}
