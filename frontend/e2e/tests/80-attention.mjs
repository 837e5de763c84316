// A conversation needing attention shows up in the "Needs attention" view with its
// reason: a high fraud risk on its application, and a customer left waiting.
import { ensureSignedIn, event, pushConversation, shown, surname, waitFor, xadd } from './lib/helpers.mjs';

export default async function ({ page, url, shot, log }) {
  await ensureSignedIn(page, url);
  // Its events are dated 45 s ago, so the customer has been waiting longer than the 30 s
  // the rule allows.
  const c = await pushConversation({ first: 'Fiona', last: surname('Attention'), text: 'Is anyone there? I need this loan today.', agoMs: 45_000 });
  await xadd(event(c, 'fraudCheck_results', ++c.seq, { application_number: c.aid, score: 0.91, result: 'HIGH_RISK', signals: ['device_mismatch'] }));
  log(`pushed ${c.cid} (${c.name}) with a high-risk fraud check`);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Needs attention/ }).click();
  const row = page.locator(`[data-testid="attention-item"][data-id="${c.cid}"]`);
  await shown(row, `the attention row of ${c.cid}`);
  await waitFor(
    page,
    (cid) => document.querySelector(`[data-testid="attention-item"][data-id="${cid}"]`)?.textContent.includes('Fraud check: high risk'),
    'the row to say "Fraud check: high risk"',
    c.cid,
  );
  const text = await row.textContent();
  if (!text.includes(c.last)) throw new Error(`the row should name ${c.name}: ${text}`);
  // The customer's message has had no reply for more than 30 s: a reason too.
  await waitFor(
    page,
    (cid) => document.querySelector(`[data-testid="attention-item"][data-id="${cid}"]`)?.textContent.includes('Customer waiting for a reply'),
    'the row to say the customer is waiting',
    c.cid,
    60_000,
  );
  await shot('attention');
  await row.click();
  await shown(page.getByTestId('decision-strip'), 'the conversation with its decision strip');
  await waitFor(
    page,
    () => document.querySelector('[data-testid="decision-strip"]')?.textContent.includes('Fraud: High risk'),
    'the decision strip to name the fraud risk',
  );
}
