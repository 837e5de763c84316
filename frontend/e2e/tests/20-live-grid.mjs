// A conversation pushed into Redis during the test appears on top of the grid, live,
// without a reload.
import { assert, cardTexts, ensureSignedIn, pushConversation, surname, waitFor } from './lib/helpers.mjs';

export default async function ({ page, url, shot, log }) {
  await ensureSignedIn(page, url);
  const before = await cardTexts(page);
  // Marks this page load: a reload would drop it.
  await page.evaluate(() => {
    window.__e2eNoReload = true;
  });

  const last = surname('Livecard');
  const c = await pushConversation({ first: 'Lena', last, text: `Hi, this is ${last} asking about a loan.` });
  log(`pushed ${c.cid} (${c.name}, ${c.aid})`);
  assert(!before.some((t) => t.includes(last)), 'the new surname was already on the grid before the push');

  await waitFor(
    page,
    ({ last, aid }) =>
      [...document.querySelectorAll('[data-testid="conversation-card"]')].some(
        (e) => e.textContent.includes(last) && e.textContent.includes(aid),
      ),
    `a card for ${c.name} / ${c.aid}`,
    { last, aid: c.aid },
  );
  assert(await page.evaluate(() => window.__e2eNoReload === true), 'the page reloaded: the card should arrive live');
  const first = await page.getByTestId('conversation-card').first().getAttribute('data-id');
  assert(first === c.cid, `the newest conversation should be the first card; first is ${first}, expected ${c.cid}`);
  // The message is a later stream entry than the start and the name, so it may come in a
  // later ledger:batch than the card's first appearance.
  const card = page.locator(`[data-testid="conversation-card"][data-id="${c.cid}"]`);
  try {
    await waitFor(
      page,
      (cid) => document.querySelector(`[data-testid="conversation-card"][data-id="${cid}"]`)?.textContent.includes('asking about a loan'),
      'the card to preview the last message',
      c.cid,
    );
  } catch (e) {
    throw new Error(`${e.message}; the card shows ${JSON.stringify(await card.textContent())}`);
  }
  await shot('live-grid');
}
