// Search narrows the grid: by a customer's surname, then by an application number;
// clearing it brings every card back.
import { assert, cardTexts, ensureSignedIn, pushConversation, searchBox, surname, waitFor } from './lib/helpers.mjs';

async function searchFor(page, q, want, what) {
  await searchBox(page).fill(q);
  await waitFor(
    page,
    ({ want }) => {
      const cs = [...document.querySelectorAll('[data-testid="conversation-card"]')];
      return cs.length === 1 && cs[0].getAttribute('data-id') === want;
    },
    `exactly one card (${want}) for the search ${JSON.stringify(q)} (${what})`,
    { want },
  );
  // The "All" count follows the search too.
  await waitFor(
    page,
    () => document.querySelector('[aria-label="Filter by status"] button[aria-pressed="true"] .chip-count')?.textContent === '1',
    `the "All" count to read 1 for ${JSON.stringify(q)}`,
  );
}

export default async function ({ page, url, shot, log }) {
  await ensureSignedIn(page, url);
  const a = await pushConversation({ first: 'Mara', last: surname('Searchone'), text: 'I need money for rent.' });
  const b = await pushConversation({ first: 'Omar', last: surname('Searchtwo'), text: 'Can I borrow for a fridge?' });
  log(`pushed ${a.name} (${a.aid}) and ${b.name} (${b.aid})`);
  for (const c of [a, b]) {
    await waitFor(page, (id) => !!document.querySelector(`[data-testid="conversation-card"][data-id="${id}"]`), `${c.cid} on the grid`, c.cid);
  }
  const before = (await cardTexts(page)).length;
  assert(before > 2, `the unfiltered grid should show more than the two pushed cards, shows ${before}`);

  await searchFor(page, a.last, a.cid, 'surname');
  const [only] = await cardTexts(page);
  assert(only.includes(a.name), `the card found by surname should read "${a.name}": ${JSON.stringify(only)}`);
  await shot('search-surname');

  await searchFor(page, b.aid, b.cid, 'application number');
  await shot('search-application');

  await searchBox(page).fill('');
  await waitFor(
    page,
    ({ n, a, b }) => {
      const ids = [...document.querySelectorAll('[data-testid="conversation-card"]')].map((e) => e.getAttribute('data-id'));
      return ids.length >= n && ids.includes(a) && ids.includes(b);
    },
    `the full grid (at least ${before} cards) after clearing the search`,
    { n: before, a: a.cid, b: b.cid },
  );
}
