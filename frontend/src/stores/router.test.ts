import { describe, expect, it } from 'vitest';
import { hashToRoute, parentOf, routeToHash, type Route } from './router';

describe('router', () => {
  it('round-trips routes through the hash', () => {
    const routes: Route[] = [
      { name: 'conversations' },
      { name: 'conversation', id: 'abc/123 x' },
      { name: 'customers' },
      { name: 'customer', id: 'C-1' },
      { name: 'applications' },
      { name: 'application', number: 'APP-2024-001' },
      { name: 'users' },
      { name: 'settings' },
    ];
    for (const r of routes) expect(hashToRoute(routeToHash(r))).toEqual(r);
  });

  it('falls back to the grid for unknown hashes', () => {
    expect(hashToRoute('')).toEqual({ name: 'conversations' });
    expect(hashToRoute('#/nope')).toEqual({ name: 'conversations' });
  });

  it('goes back from a detail to its list', () => {
    expect(parentOf({ name: 'conversation', id: 'x' })).toEqual({ name: 'conversations' });
    expect(parentOf({ name: 'application', number: 'x' })).toEqual({ name: 'applications' });
  });
});
