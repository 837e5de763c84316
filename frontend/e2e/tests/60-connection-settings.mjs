// Signed out, the sign-in screen opens the connection settings (the real Go settings, no
// conversation data) and saves them; the Go side refuses a signed-out change of the
// status thresholds; sign-in still works afterwards.
import { assert, ensureSignedIn, env, shown, signInForm, signOutButton, whichScreen, TIMEOUT } from './lib/helpers.mjs';

export default async function ({ page, url, shot }) {
  const { stream } = env();
  if (!/^https?:/.test(page.url())) await page.goto(url, { waitUntil: 'load', timeout: TIMEOUT });
  if ((await whichScreen(page)) === 'app') {
    await signOutButton(page).click();
    await shown(signInForm(page), 'the sign-in form');
  }

  await signInForm(page).getByRole('button', { name: 'Connection settings…' }).click();
  const form = page.getByRole('form', { name: 'Connection settings' });
  await shown(form, 'the connection settings form');
  const streamValue = await form.getByLabel('Stream').inputValue();
  assert(streamValue === stream, `the Stream field shows "${streamValue}", the app reads "${stream}"`);
  const backend = await form.getByLabel('Backend URL').inputValue();
  assert(/^http:\/\/127\.0\.0\.1:\d+$/.test(backend), `the Backend URL field shows "${backend}"`);
  assert((await page.getByLabel('Paused after (s)').count()) === 0, 'status thresholds are shown before sign-in');
  assert((await page.getByTestId('conversation-card').count()) === 0, 'conversation cards are shown before sign-in');

  // Save (unchanged values, made dirty by toggling TLS twice): the real, signed-out SaveSettings.
  const tls = form.getByLabel('Use TLS');
  await tls.click();
  await tls.click();
  await form.getByRole('button', { name: 'Save connection' }).click();
  await shown(form.getByRole('status').filter({ hasText: 'Settings saved' }), '"Settings saved"');
  await shot('connection-settings');

  const refused = await page.evaluate(async () => {
    const s = await window.go.app.App.GetSettings();
    const th = { pausedSeconds: 60, softEndSeconds: 600, hardEndSeconds: 3600 };
    return window.go.app.App.SaveSettings({ ...s, thresholds: th }).then(
      () => null,
      (e) => String(e),
    );
  });
  assert(refused && /Sign in to change the status thresholds/.test(refused), `signed-out threshold change: ${refused}`);

  await page.getByRole('button', { name: '← Back to sign in' }).click();
  await shown(signInForm(page), 'the sign-in form again');
  await ensureSignedIn(page, url);
}
