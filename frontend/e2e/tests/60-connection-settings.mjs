// Signed out, the sign-in screen opens the connection settings (the real Go settings, no
// conversation data): the backend URL (required) is editable and saved, the ledger
// connection is only shown; the Go side refuses a signed-out change of the ledger
// connection and of the status thresholds; sign-in still works afterwards.
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
  const ledger = (await form.getByTestId('ledger-by-admin').textContent()) ?? '';
  assert(ledger.includes(`stream ${stream}`), `the connection shows "${ledger}", the app reads "${stream}"`);
  assert((await form.getByLabel('Stream').count()) === 0, 'the stream is editable before sign-in');
  assert((await form.getByLabel('Redis URL').count()) === 0, 'the Redis URL is editable before sign-in');
  const backendField = form.getByLabel('Backend URL');
  const backend = await backendField.inputValue();
  assert(/^http:\/\/127\.0\.0\.1:\d+$/.test(backend), `the Backend URL field shows "${backend}"`);
  assert((await page.getByText(/optional/i).count()) === 0, 'something on the sign-in screen says "optional"');
  assert((await page.getByLabel('Paused after (s)').count()) === 0, 'status thresholds are shown before sign-in');
  assert((await page.getByTestId('conversation-card').count()) === 0, 'conversation cards are shown before sign-in');

  // Save the same URL (made dirty by a trailing slash, which Go trims): the real, signed-out SaveSettings.
  await backendField.fill(`${backend}/`);
  await form.getByRole('button', { name: 'Save connection' }).click();
  await shown(form.getByRole('status').filter({ hasText: 'Settings saved' }), '"Settings saved"');
  await shot('connection-settings');

  const refused = await page.evaluate(async () => {
    const s = await window.go.app.App.GetSettings();
    const th = { pausedSeconds: 60, softEndSeconds: 600, hardEndSeconds: 3600 };
    const attempt = (x) => window.go.app.App.SaveSettings(x).then(() => null, (e) => String(e));
    return { th: await attempt({ ...s, thresholds: th }), stream: await attempt({ ...s, stream: 'someone-elses-stream' }) };
  });
  assert(refused.th && /Sign in to change the status thresholds/.test(refused.th), `signed-out threshold change: ${refused.th}`);
  assert(refused.stream && /Only an administrator changes the ledger connection/.test(refused.stream), `signed-out stream change: ${refused.stream}`);

  await page.getByRole('button', { name: '← Back to sign in' }).click();
  await shown(signInForm(page), 'the sign-in form again');
  await ensureSignedIn(page, url);
}
