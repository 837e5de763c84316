// Visits every screen and takes its picture: scripts/screenshots.sh runs this at
// 1440x900 and 1024x700 and copies the pictures to docs/screenshots/. It also checks
// that each screen shows what it is for.
import { ensureSignedIn, event, pushConversation, pushMessage, shown, signInForm, signOutButton, submitSignIn, surname, waitFor, xadd } from './lib/helpers.mjs';

const nav = (page, name) => page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name }).click();

export default async function ({ page, url, shot, log }) {
  await ensureSignedIn(page, url);
  // Enough conversations for a full wall, older than the one below.
  const have = await page.evaluate(() => window.go.app.App.StatusCounts('').then((n) => Object.values(n).reduce((a, b) => a + b, 0)));
  const firsts = ['Aroha', 'Ben', 'Chloe', 'Dmitri', 'Elena', 'Farid', 'Grace', 'Hiroshi', 'Isla', 'Jonas'];
  await Promise.all(
    Array.from({ length: Math.max(0, 90 - have) }, (_, i) => pushConversation({ first: firsts[i % firsts.length], last: surname('Wall') })),
  );
  // One conversation with everything the right column shows, declined.
  const c = await pushConversation({ first: 'Priya', last: surname('Raman'), text: 'about $400 for car rego' });
  await pushMessage(c, 'assistant', `Nice to meet you, Priya. What's your date of birth and home address?`);
  await xadd(
    event(c, 'identityRisk_assessment', ++c.seq, {
      application_number: c.aid, customer_id: c.uid, decision: 'REFER', ekyc_entity_id: 'frk-1', sanctionsResult: 'CLEAR', pepResult: 'PEP',
    }),
  );
  await xadd(event(c, 'fraudCheck_results', ++c.seq, { application_number: c.aid, score: 0.82, result: 'HIGH_RISK', signals: ['device_mismatch'] }));
  await xadd(event(c, 'serviceability_assessment_results', ++c.seq, { application_number: c.aid, monthly_income: 4210.55, monthly_expenses: 2980.1, surplus: 1230.45, serviceable: true, max_loan: 500 }));
  await xadd(event(c, 'noticeboard_updated', ++c.seq, { agent_name: 'identity_agent::Identity Check', post: 'eKYC refer (frk-1): politically exposed person, manual review needed.', agent_finished: true }));
  await xadd(event(c, 'final_decision', ++c.seq, { decision: 'DECLINED', reason: 'Identity could not be verified' }));
  log(`pushed ${c.cid}`);

  // A grid left scrolled by an earlier test keeps its place and offers the new ones
  // above (the steady grid): go up as a reader would.
  await waitFor(page, (id) => document.querySelector(`[data-testid="conversation-card"][data-id="${id}"]`) || document.querySelector('[data-testid="new-above"]'), 'the pushed card or the "new" pill', c.cid);
  if (await page.getByTestId('new-above').isVisible()) await page.getByTestId('new-above').click();
  await shown(page.locator(`[data-testid="conversation-card"][data-id="${c.cid}"]`), 'the pushed card');
  await shot('conversations');

  // The wall density (enough conversations for a full screen, pushed first), then back.
  const density = page.getByRole('group', { name: 'Grid density' });
  await density.getByRole('button', { name: 'Wall' }).click();
  await waitFor(page, () => document.querySelectorAll('.wall-tile').length >= 20, 'the wall tiles');
  await page.waitForTimeout(500);
  await shot('conversations-wall');
  await density.getByRole('button', { name: 'Comfortable' }).click();
  await shown(page.locator(`[data-testid="conversation-card"][data-id="${c.cid}"]`), 'the pushed card again');

  await page.getByRole('searchbox', { name: 'Search conversations' }).fill('rego');
  await shown(page.getByTestId('match-snippet').first(), 'a search snippet');
  await shot('search');
  await page.getByRole('searchbox', { name: 'Search conversations' }).fill('');

  await nav(page, /Needs attention/);
  await shown(page.getByTestId('attention-item').first(), 'an attention item');
  await shot('attention');

  await page.locator(`[data-testid="attention-item"][data-id="${c.cid}"]`).click();
  await shown(page.getByTestId('decision-strip'), 'the decision strip');
  await page.keyboard.press('1');
  await shot('conversation');
  await page.keyboard.press('4');
  await shown(page.getByTestId('panel-credit'), 'the credit section');
  await shot('conversation-credit');
  await page.keyboard.press('3');
  await shown(page.getByTestId('panel-identity'), 'the identity section');
  await shot('conversation-identity');
  await page.keyboard.press('1');

  await page.keyboard.press('Control+k');
  await page.getByRole('textbox', { name: 'Jump to' }).fill(c.last);
  await shown(page.getByTestId('palette-result').first(), 'a palette result');
  await shot('palette');
  await page.keyboard.press('Escape');

  await nav(page, 'Customers');
  await shown(page.getByRole('table'), 'the customers table');
  await shot('customers');
  // The wall's conversations fill the first page: find this customer by name.
  await page.getByRole('searchbox', { name: 'Search customers' }).fill(c.last);
  await page.getByRole('table').getByText(c.last).first().click();
  await shown(page.getByRole('heading', { name: new RegExp(c.last) }), 'the customer page');
  await shot('customer');

  await nav(page, 'Applications');
  await shown(page.getByRole('table'), 'the applications table');
  await shot('applications');
  await page.getByRole('table').getByText(c.aid).first().click();
  await shown(page.getByTestId('panel-assessments'), "the application's assessments");
  await shot('application');

  await nav(page, 'Settings');
  await shown(page.getByTestId('connection-readonly'), "the supervisor's settings");
  await shot('settings');

  // The same screen as an administrator.
  const admin = { email: process.env.E2E_ADMIN_EMAIL, password: process.env.E2E_ADMIN_PASSWORD };
  if (admin.email && admin.password) {
    await signOutButton(page).click();
    await shown(signInForm(page), 'the sign-in form');
    await submitSignIn(page, admin.email, admin.password);
    await shown(signOutButton(page), 'the admin signed in');
    await nav(page, 'Settings');
    await shown(page.getByRole('form', { name: 'Shared settings' }), "the admin's settings");
    await shot('settings-admin');
    await signOutButton(page).click();
    await shown(signInForm(page), 'the sign-in form');
    await ensureSignedIn(page, url);
  }
  await nav(page, 'Conversations');
}
