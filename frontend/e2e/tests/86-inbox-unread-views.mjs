// Unread markers and saved views: a card shows "New activity since you last looked"
// after a new event and loses it once opened; a saved view's count grows when a new
// conversation it matches arrives.
import { ensureSignedIn, pushConversation, pushMessage, searchBox, shown, surname, waitFor } from './lib/helpers.mjs';


export default async function ({ page, url, shot, log }) {
  await ensureSignedIn(page, url);
  const last = surname('Inbox');
  const a = await pushConversation({ first: 'Una', last, text: 'Hello, is this where I apply?' });
  log(`pushed ${a.cid} (${a.name})`);

  // New since the sign-in: unread, with its accessible label.
  const card = page.locator(`[data-testid="conversation-card"][data-id="${a.cid}"]`);
  await shown(card, `the card of ${a.cid}`);
  await waitFor(page, (id) => { const c = document.querySelector(`[data-testid="conversation-card"][data-id="${id}"]`); return c?.getAttribute('data-unread') === 'true'; }, 'the new card to be unread', a.cid);
  await shown(card.getByRole('img', { name: 'New activity since you last looked' }), 'the unread dot');

  // Opening it clears the marker; back on the grid it stays cleared…
  await card.click();
  await shown(page.getByTestId('conversation-back'), 'the conversation');
  await page.keyboard.press('Escape');
  await shown(card, `the card of ${a.cid} again`);
  await waitFor(page, (id) => !document.querySelector(`[data-testid="conversation-card"][data-id="${id}"]`)?.hasAttribute('data-unread'), 'the marker to be gone after opening', a.cid);
  // …until its next event.
  await pushMessage(a, 'customer', 'Are you still there?');
  await waitFor(page, (id) => document.querySelector(`[data-testid="conversation-card"][data-id="${id}"]`)?.getAttribute('data-unread') === 'true', 'the card to be unread after a new message', a.cid);

  // Save the search for this surname as a view: it counts 1.
  await searchBox(page).fill(last);
  await waitFor(page, (id) => { const cs = [...document.querySelectorAll('[data-testid="conversation-card"]')]; return cs.length === 1 && cs[0].getAttribute('data-id') === id; }, `only ${a.cid} for the search`, a.cid);
  const views = page.getByRole('complementary', { name: 'Saved views' });
  await views.getByRole('button', { name: '+ Save current view' }).click();
  const name = views.getByRole('textbox', { name: 'View name' });
  await name.fill(`Family ${last}`);
  await name.press('Enter');
  const view = views.locator(`[data-testid="saved-view"][data-name="Family ${last}"]`);
  await shown(view, 'the saved view');
  const count = (n) => waitFor(page, ({ sel, n }) => document.querySelector(sel)?.querySelector('[data-testid="view-count"]')?.textContent === String(n),
    `the view's count to read ${n}`, { sel: `[data-testid="saved-view"][data-name="Family ${last}"]`, n });
  await count(1);

  // Back to every conversation; a second customer of that surname arrives: the view counts 2.
  await views.getByRole('button', { name: /^All conversations/ }).click();
  await waitFor(page, () => !document.querySelector('input[type="search"]')?.value, 'the search to clear');
  const b = await pushConversation({ first: 'Ugo', last, text: 'I would like to borrow for a bike.' });
  log(`pushed ${b.cid} (${b.name})`);
  await count(2);
  await shot('inbox-saved-view');
  // Opening the view shows the two, and the grid's own count agrees.
  await view.getByRole('button', { name: new RegExp(`^Family ${last}`) }).click();
  await waitFor(page, () => document.querySelectorAll('[data-testid="conversation-card"]').length === 2, 'the two cards of the view');
  await waitFor(page, () => document.querySelector('[aria-label="Filter by status"] button[aria-pressed="true"] .chip-count')?.textContent === '2', 'the grid count to read 2');
}
