// Sign-out returns to the sign-in screen, forgets the session on the Go side (a reload
// stays signed out) and shows no data.
import { assert, ensureSignedIn, shown, signInForm, signOutButton, TIMEOUT, whichScreen } from './lib/helpers.mjs';

export default async function ({ page, url, shot }) {
  await ensureSignedIn(page, url);
  await signOutButton(page).click();
  await shown(signInForm(page), 'the sign-in form after "Sign out"');
  assert((await page.locator('header.app-header').count()) === 0, 'the header is still shown after signing out');
  assert((await page.getByTestId('conversation-card').count()) === 0, 'conversation cards are still shown after signing out');
  const session = await page.evaluate(() => window.go.app.App.Session());
  assert(session === null, `the Go side still has a session: ${JSON.stringify(session)}`);
  await shot('sign-out');

  await page.reload({ waitUntil: 'load', timeout: TIMEOUT });
  const screen = await whichScreen(page);
  assert(screen === 'signin', `after sign-out and a reload the app should show sign-in, shows "${screen}"`);
  // And data calls are refused without a session.
  const refused = await page.evaluate(() =>
    window.go.app.App.ListConversations({ search: '', status: '', cursor: null, limit: 5 }).then(
      () => null,
      (e) => String(e),
    ),
  );
  assert(refused !== null, 'ListConversations answered without a session');
}
