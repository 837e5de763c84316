// Opening a conversation shows its transcript; a message pushed after it opened appears
// at the bottom, live, and the transcript follows it.
import { assert, ensureSignedIn, pushConversation, pushMessage, shown, surname, token, waitFor } from './lib/helpers.mjs';

export default async function ({ page, url, shot, log }) {
  await ensureSignedIn(page, url);
  const c = await pushConversation({ first: 'Dina', last: surname('Detail'), text: 'Hello, can I apply for $600?' });
  const card = page.locator(`[data-testid="conversation-card"][data-id="${c.cid}"]`);
  await shown(card, `the card of ${c.cid}`);
  await card.click();

  const header = page.locator('.conv-header-info');
  await waitFor(page, (name) => document.querySelector('.conv-header-info')?.textContent.includes(name), `the header to name ${c.name}`, c.name);
  assert((await header.textContent()).includes(c.aid), `the header should show ${c.aid}`);
  await waitFor(
    page,
    () => [...document.querySelectorAll('[data-testid="message"]')].some((m) => m.textContent.includes('can I apply for $600')),
    'the customer message in the transcript',
  );
  const before = await page.getByTestId('message').count();

  const text = `Sure, ${c.first}. Reply ${token()} from the assistant.`;
  await pushMessage(c, 'assistant', text);
  log(`pushed an assistant message to ${c.cid}`);
  await waitFor(
    page,
    (text) => [...document.querySelectorAll('[data-testid="message"]')].some((m) => m.textContent.includes(text)),
    'the new message in the open transcript',
    text,
  );
  const msgs = await page.getByTestId('message').allTextContents();
  assert(msgs.length === before + 1, `expected ${before + 1} messages after the push, found ${msgs.length}`);
  assert(msgs[msgs.length - 1].includes(text), 'the new message should be the last one');
  const last = page.getByTestId('message').last();
  assert((await last.getAttribute('class'))?.includes('msg-assistant'), 'the pushed message should be an assistant bubble');
  // Followed: the transcript is scrolled to the bottom, no "new messages" pill.
  await waitFor(
    page,
    () => {
      const el = document.querySelector('[data-testid="transcript-scroll"]');
      return el && el.scrollHeight - el.scrollTop - el.clientHeight <= 48;
    },
    'the transcript to stay scrolled to the newest message',
  );
  assert((await page.locator('.new-pill').count()) === 0, 'no "new messages" pill while at the bottom');
  await shot('detail-live');

  await page.getByRole('button', { name: '← All conversations' }).click();
  await shown(page.getByRole('searchbox', { name: 'Search conversations' }), 'the grid after "All conversations"');
}
