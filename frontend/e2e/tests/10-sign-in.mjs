// Sign-in: a wrong password shows the backend's refusal on the form, then the user made
// by `backend user add` gets in and sees the grid (and no admin-only items).
import { assert, cards, env, shown, signInForm, signOutButton, submitSignIn, TIMEOUT, whichScreen } from './lib/helpers.mjs';

export default async function ({ page, url, shot, log }) {
  const { email, password, name } = env();
  await page.goto(url, { waitUntil: 'load', timeout: TIMEOUT });
  const screen = await whichScreen(page);
  assert(screen === 'signin', `a fresh data directory should start on the sign-in screen, got "${screen}"`);

  await submitSignIn(page, email, `${password}-wrong`);
  const alert = signInForm(page).getByRole('alert');
  await shown(alert, 'the error on the sign-in form after a wrong password');
  const text = (await alert.textContent())?.trim();
  assert(text === 'Wrong email or password', `wrong password: expected "Wrong email or password", got ${JSON.stringify(text)}`);
  assert(await signInForm(page).isVisible(), 'the sign-in form should stay after a wrong password');
  await shot('sign-in-wrong-password');

  await submitSignIn(page, email, password);
  await shown(signOutButton(page), 'the signed-in header ("Sign out") after the right password');
  assert((await signInForm(page).count()) === 0, 'the sign-in form is still shown after signing in');
  const chip = await page.locator('.user-chip').textContent();
  assert(chip?.includes(name), `the header should name the user "${name}", shows ${JSON.stringify(chip)}`);
  assert(chip?.includes('supervisor'), `the header should show the role "supervisor", shows ${JSON.stringify(chip)}`);
  const nav = page.getByRole('navigation', { name: 'Main' });
  assert((await nav.getByRole('button', { name: 'Users' }).count()) === 0, 'a supervisor must not see the admin-only "Users" item');
  await shown(cards(page).first(), 'a conversation card after signing in');
  log(`signed in as ${email}; ${await cards(page).count()} cards in view`);
  await shot('sign-in-grid');
}
