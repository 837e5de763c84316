// What the benchmarks driving the real window share (scroll.mjs, actions.mjs): the
// window's size, a percentile, and a page signed in on the conversation grid.
import { launch } from '../browser.mjs';
import { shown, signOutButton, submitSignIn, waitFor, whichScreen } from '../tests/lib/helpers.mjs';

/** BENCH_VIEWPORT as [width, height] (1440x900). */
export const viewport = () => (process.env.BENCH_VIEWPORT || '1440x900').split('x').map(Number);

/** The p-th percentile of sorted values (NaN for none). */
export function pct(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * A browser on E2E_URL at the viewport, signed in (E2E_EMAIL, E2E_PASSWORD) and on the
 * conversation grid with its first cards shown (a 100,000-conversation cache may take a
 * while the first time). Returns { page, close }.
 */
export async function openGrid() {
  const [width, height] = viewport();
  const { page, close } = await launch({ viewport: { width, height } });
  await page.goto(process.env.E2E_URL, { waitUntil: 'load', timeout: 60_000 });
  if ((await whichScreen(page)) === 'signin') {
    await submitSignIn(page, process.env.E2E_EMAIL, process.env.E2E_PASSWORD);
    await shown(signOutButton(page), 'the signed-in header', 60_000);
  }
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Conversations' }).click();
  await waitFor(page, () => document.querySelectorAll('[data-testid="conversation-card"]').length > 0, 'the first grid page', null, 120_000);
  return { page, close };
}
