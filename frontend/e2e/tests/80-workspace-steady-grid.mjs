// New conversations arriving on top do not move a grid scrolled down: the card the
// reader looks at stays where it is and a "N new ↑" pill offers the way up.
import { assert, ensureSignedIn, pushConversation, surname, waitFor } from './lib/helpers.mjs';

/** The grid's scroll offset and the first card fully in view (id and its top on screen). */
function place(page) {
  return page.evaluate(() => {
    const grid = document.querySelector('[data-testid="grid-scroll"]');
    const top = grid.getBoundingClientRect().top;
    const cards = [...document.querySelectorAll('[data-testid="conversation-card"]')]
      .map((e) => ({ id: e.dataset.id, top: e.getBoundingClientRect().top - top }))
      .filter((c) => c.top >= 0)
      .sort((a, b) => a.top - b.top);
    return { scrollTop: grid.scrollTop, first: cards[0] };
  });
}

export default async function ({ page, url, shot, log }) {
  await ensureSignedIn(page, url);
  // Enough cards to scroll a few rows at any window size.
  for (let i = 0; i < 4; i++) await pushConversation({ first: 'Sam', last: surname('Filler') });
  await waitFor(page, () => document.querySelector('[data-testid="grid-scroll"]').scrollHeight > document.querySelector('[data-testid="grid-scroll"]').clientHeight + 300, 'a grid taller than its window');
  await page.evaluate(() => {
    const g = document.querySelector('[data-testid="grid-scroll"]');
    g.scrollTop = 290;
  });
  await waitFor(page, () => {
    const g = document.querySelector('[data-testid="grid-scroll"]');
    const top = g.getBoundingClientRect().top;
    return g.scrollTop === 290 && [...document.querySelectorAll('[data-testid="conversation-card"]')].some((e) => e.getBoundingClientRect().top - top >= 0);
  }, 'the grid rendered at 290 px');
  const before = await place(page);
  assert(before.first, 'no card in view after scrolling');
  log(`looking at ${before.first.id} at ${before.first.top}px (scrollTop ${before.scrollTop})`);

  const pushed = [];
  for (let i = 0; i < 3; i++) pushed.push(await pushConversation({ first: 'Nina', last: surname('Arrival') }));
  // At least the three: the seeded history may start a conversation meanwhile too.
  await waitFor(page, () => Number(/(\d+) new/.exec(document.querySelector('[data-testid="new-above"]')?.textContent || '')?.[1] || 0) >= 3, 'the "3 new ↑" pill');
  const after = await page.evaluate((id) => {
    const grid = document.querySelector('[data-testid="grid-scroll"]');
    const el = document.querySelector(`[data-testid="conversation-card"][data-id="${id}"]`);
    return { top: el ? el.getBoundingClientRect().top - grid.getBoundingClientRect().top : null, scrollTop: grid.scrollTop };
  }, before.first.id);
  log(`after 3 arrivals: ${before.first.id} at ${after.top}px (scrollTop ${after.scrollTop})`);
  assert(after.top !== null, `the card ${before.first.id} left the DOM`);
  assert(Math.abs(after.top - before.first.top) <= 2, `the card moved from ${before.first.top}px to ${after.top}px on screen`);
  await shot('workspace-new-pill');

  await page.getByTestId('new-above').click();
  await waitFor(page, () => document.querySelector('[data-testid="grid-scroll"]').scrollTop === 0, 'the grid scrolled to the top');
  await waitFor(page, (cid) => document.querySelector('[data-testid="conversation-card"]')?.dataset.id === cid, 'the newest arrival first', pushed[2].cid);
  assert((await page.getByTestId('new-above').count()) === 0, 'the pill stays after going to the top');
}
