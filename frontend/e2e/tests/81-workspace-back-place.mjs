// Esc from a conversation opened far down the grid returns to the same place, with the
// card it was opened from focused.
import { assert, ensureSignedIn, waitFor } from './lib/helpers.mjs';

export default async function ({ page, url, shot, log }) {
  await ensureSignedIn(page, url);
  const offset = await page.evaluate(() => {
    const g = document.querySelector('[data-testid="grid-scroll"]');
    g.scrollTop = Math.min(1400, g.scrollHeight - g.clientHeight - 10);
    return g.scrollTop;
  });
  assert(offset > 200, `the grid scrolls only ${offset}px: too few cards`);
  await waitFor(page, () => {
    const g = document.querySelector('[data-testid="grid-scroll"]').getBoundingClientRect();
    return [...document.querySelectorAll('[data-testid="conversation-card"]')].some((e) => {
      const r = e.getBoundingClientRect();
      return r.top > g.top + 150 && r.bottom < g.bottom;
    });
  }, 'cards rendered at the new offset');
  const target = await page.evaluate(() => {
    const grid = document.querySelector('[data-testid="grid-scroll"]').getBoundingClientRect();
    const el = [...document.querySelectorAll('[data-testid="conversation-card"]')].find((e) => {
      const r = e.getBoundingClientRect();
      return r.top > grid.top + 150 && r.bottom < grid.bottom;
    });
    return el ? { id: el.dataset.id, top: el.getBoundingClientRect().top } : null;
  });
  assert(target, 'no card fully in view');
  log(`opening ${target.id} at ${offset}px`);
  await page.locator(`[data-testid="conversation-card"][data-id="${target.id}"]`).click();
  await waitFor(page, () => !!document.querySelector('.conv-screen'), 'the conversation screen');
  await page.keyboard.press('Escape');
  await waitFor(page, (id) => document.activeElement?.dataset?.id === id, `the card ${target.id} focused`, target.id);
  const back = await page.evaluate((id) => {
    const g = document.querySelector('[data-testid="grid-scroll"]');
    const el = document.querySelector(`[data-testid="conversation-card"][data-id="${id}"]`);
    return { scrollTop: g.scrollTop, top: el.getBoundingClientRect().top };
  }, target.id);
  log(`back at ${back.scrollTop}px, card at ${back.top}px (was ${target.top}px)`);
  assert(Math.abs(back.top - target.top) <= 2, `the card was at ${target.top}px and is at ${back.top}px after Esc`);
  await shot('workspace-back-place');
}
