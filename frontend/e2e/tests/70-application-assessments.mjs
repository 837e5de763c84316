// Assessments belong to the application (contract §3): a fraud check made during one
// conversation about an application shows in a second conversation about it, and on
// the application's own screen.
import { ensureSignedIn, event, pushConversation, pushMessage, shown, surname, xadd } from './lib/helpers.mjs';

export default async function ({ page, url, shot, log }) {
  await ensureSignedIn(page, url);
  const first = await pushConversation({ first: 'Ana', last: surname('Assess') });
  await xadd(event(first, 'fraudCheck_results', ++first.seq, { verdict: 'clear', score: 12 }));
  const second = { ...first, cid: `${first.cid}-again`, seq: 0 };
  await xadd(
    event(second, 'conversation_started', ++second.seq, {
      conversation_id: second.cid,
      application_number: second.aid,
      customer_id: second.uid,
      username: 'customer',
    }),
  );
  await pushMessage(second, 'customer', 'Back again about my application.');
  log(`pushed a fraud check in ${first.cid} and a second conversation ${second.cid} about ${first.aid}`);

  const card = page.locator(`[data-testid="conversation-card"][data-id="${second.cid}"]`);
  await shown(card, `the card of ${second.cid}`);
  await card.click();
  // The right column shows one section at a time: 4 is Credit.
  await shown(page.getByRole('tab', { name: /Credit/ }), 'the right column\'s sections');
  await page.keyboard.press('4');
  await shown(page.getByTestId('assessment-fraudCheck').first(), "the application's fraud check in the second conversation");
  await shot('second-conversation-assessments');

  await page.getByRole('button', { name: second.aid }).click();
  await shown(page.getByTestId('panel-assessments').getByTestId('assessment-fraudCheck'), "the fraud check on the application's screen");
  await shot('application-assessments');
}
