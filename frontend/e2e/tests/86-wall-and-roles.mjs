// The wall density and the supervisor's read-only connection, against the real Go app:
//   1. a supervisor's Settings show the connection read-only, and the Go side refuses a
//      supervisor's SaveSettings that moves the ledger (as a hostile window would call it);
//   2. at 1440x900 the wall shows 40 or more tiles in view; at 1024x700 it still shows
//      readable tiles (fewer columns); `d` steps the density and it is kept by Go.
import { assert, ensureSignedIn, gotoGrid, pushConversation, shown, surname, waitFor } from './lib/helpers.mjs';

const nav = (page, name) => page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name }).click();

/** Tiles wholly inside the grid's visible area, and the narrowest tile's width. */
function tilesInView(page) {
  return page.evaluate(() => {
    const box = document.querySelector('[data-testid="grid-scroll"]').getBoundingClientRect();
    const tiles = [...document.querySelectorAll('.wall-tile')].map((t) => t.getBoundingClientRect());
    const inside = tiles.filter((r) => r.top >= box.top && r.bottom <= box.bottom && r.left >= box.left && r.right <= box.right);
    return { count: inside.length, narrowest: Math.min(...inside.map((r) => r.width)) };
  });
}

export default async function ({ page, url, log }) {
  await ensureSignedIn(page, url);

  // 1. Roles.
  await nav(page, 'Settings');
  await shown(page.getByTestId('connection-readonly'), "the supervisor's read-only connection");
  assert((await page.getByLabel('Redis URL').count()) === 0, 'a supervisor sees an editable Redis URL');
  assert((await page.getByLabel('Stream').count()) === 0, 'a supervisor sees an editable stream');
  const refused = await page.evaluate(async () => {
    const s = await window.go.app.App.GetSettings();
    return window.go.app.App.SaveSettings({ ...s, stream: 'someone-elses-stream', connectionOverride: true }).then(
      () => null,
      (e) => String(e),
    );
  });
  assert(refused && /Only an administrator changes the ledger connection/.test(refused), `a supervisor's stream change: ${refused}`);

  // 2. The wall: enough conversations for a full screen.
  await gotoGrid(page);
  const have = await page.evaluate(() => window.go.app.App.StatusCounts('').then((c) => Object.values(c).reduce((a, b) => a + b, 0)));
  const want = 80;
  if (have < want) {
    const batch = [];
    for (let i = have; i < want; i++) batch.push(pushConversation({ first: 'Wall', last: surname('Tile') }));
    await Promise.all(batch);
    log(`pushed ${want - have} conversations`);
  }
  const before = page.viewportSize();
  try {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByRole('group', { name: 'Grid density' }).getByRole('button', { name: 'Wall' }).click();
    await waitFor(page, (n) => document.querySelectorAll('.wall-tile').length >= n, '40 wall tiles', 40);
    await page.waitForTimeout(300); // the virtualiser settles on its row height
    const wide = await tilesInView(page);
    log(`1440x900: ${wide.count} tiles in view, narrowest ${Math.round(wide.narrowest)} px`);
    assert(wide.count >= 40, `the wall shows ${wide.count} tiles in view at 1440x900, want 40 or more`);

    await page.setViewportSize({ width: 1024, height: 700 });
    await page.waitForTimeout(300);
    const narrow = await tilesInView(page);
    log(`1024x700: ${narrow.count} tiles in view, narrowest ${Math.round(narrow.narrowest)} px`);
    assert(narrow.count >= 20 && narrow.narrowest >= 160, `at 1024x700: ${narrow.count} tiles, narrowest ${narrow.narrowest} px`);

    // j selects; `d` steps to comfortable, and Go keeps the choice.
    await page.keyboard.press('j');
    await shown(page.locator('.wall-tile.selected'), 'a selected tile after j');
    await page.keyboard.press('d');
    await waitFor(page, () => document.querySelectorAll('.wall-tile').length === 0, 'the comfortable cards after d');
    // The window shows the choice at once and stores it behind: wait for Go to have it.
    let kept = '';
    for (let i = 0; i < 50 && kept !== 'comfortable'; i++) {
      kept = await page.evaluate(() => window.go.app.App.Density());
      if (kept !== 'comfortable') await page.waitForTimeout(100);
    }
    assert(kept === 'comfortable', `Go keeps the density "${kept}", want comfortable`);
  } finally {
    await page.setViewportSize(before);
  }
}
