// Operations (admins only), against the real backend of scripts/e2e.sh:
//   1. a supervisor sees no Operations item, the route refuses them, and the backend
//      answers their app's Pipeline() with "Only administrators…";
//   2. the admin sees the Operations area; every screen renders (screenshots of each);
//   3. an entry the projector cannot apply (XADDed here) appears in Dead letters; the
//      admin opens it (its original fields) and drops it after the confirmation;
//   4. the admin starts a rebuild and watches it finish while new conversations keep
//      arriving in the grid; entries pushed during the rebuild are projected too;
//   5. the admin's own desktop is listed under Desktops, the drop is in the audit log;
//   6. the history charts draw once the backend has its first point.
// Every step runs even when one before it failed; the test fails with the list of
// failed steps.
import {
  assert,
  ensureSignedIn,
  gotoGrid,
  pushConversation,
  shown,
  signInForm,
  signOutButton,
  submitSignIn,
  surname,
  token,
  waitFor,
  whichScreen,
  xadd,
} from './lib/helpers.mjs';

function adminEnv() {
  const e = { email: process.env.E2E_ADMIN_EMAIL, password: process.env.E2E_ADMIN_PASSWORD, name: process.env.E2E_ADMIN_NAME || '' };
  if (!e.email || !e.password) throw new Error('E2E_ADMIN_EMAIL / E2E_ADMIN_PASSWORD missing: run through scripts/e2e.sh');
  return e;
}

const nav = (page) => page.getByRole('navigation', { name: 'Main' });
const opsTabs = (page) => page.getByRole('navigation', { name: 'Operations' });

async function openOps(page, label) {
  await opsTabs(page).getByRole('button', { name: label, exact: true }).click();
}

/** Calls a Go binding in the page; resolves { ok, value } or { ok: false, error }. */
function goCall(page, method, ...args) {
  return page.evaluate(
    async ([m, a]) => {
      try {
        return { ok: true, value: await window.go.app.App[m](...a) };
      } catch (e) {
        return { ok: false, error: String(e?.message ?? e) };
      }
    },
    [method, args],
  );
}

async function signOut(page) {
  await signOutButton(page).click();
  await shown(signInForm(page), 'the sign-in form after signing out');
}

export default async function ({ page, url, shot, log }) {
  const failed = [];
  const step = async (name, fn) => {
    const t0 = Date.now();
    try {
      await fn();
      log(`  step ok   ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed.push(`${name}: ${e?.message ?? e}`);
      log(`  step FAIL ${name}: ${e?.message ?? e}`);
      await shot(`80-operations-${name.replace(/\W+/g, '-')}-failure`).catch(() => {});
      // Leave any dialog so the next step starts clean.
      await page.keyboard.press('Escape').catch(() => {});
    }
  };

  // 1. A supervisor.
  await step('supervisor sees no operations', async () => {
    await ensureSignedIn(page, url);
    const chip = await page.locator('.user-chip').textContent();
    assert(chip?.includes('supervisor'), `expected the supervisor to be signed in, header shows ${JSON.stringify(chip)}`);
    assert((await nav(page).getByRole('button', { name: 'Operations' }).count()) === 0, 'a supervisor sees the "Operations" item');
    await page.evaluate(() => {
      window.location.hash = '#/operations/dead-letters';
    });
    await shown(page.getByText('Only administrators can see operations.'), 'the refusal of the Operations route');
    assert((await opsTabs(page).count()) === 0, 'the Operations tabs show for a supervisor');
    const r = await goCall(page, 'Pipeline');
    assert(!r.ok && /Only administrators/.test(r.error), `the backend should refuse a supervisor's Pipeline(): ${JSON.stringify(r)}`);
    await shot('ops-supervisor-refused');
    await gotoGrid(page);
  });

  // 2. The admin.
  const admin = adminEnv();
  await step('admin signs in and sees Operations', async () => {
    if ((await whichScreen(page)) === 'app') await signOut(page);
    await submitSignIn(page, admin.email, admin.password);
    await shown(signOutButton(page), 'the signed-in header of the admin');
    await nav(page).getByRole('button', { name: 'Operations' }).click();
    await shown(page.getByTestId('ops-pipeline'), 'the Pipeline screen');
    await shown(page.getByRole('list', { name: 'Pipeline health' }), 'the pipeline tiles');
    await shown(page.getByRole('listitem', { name: /^Redis: Reachable/ }), 'Redis reachable on its tile');
    await shown(page.getByRole('listitem', { name: /^Database: Reachable/ }), 'the database reachable on its tile');
    await waitFor(page, () => document.querySelectorAll('.time-chart canvas').length > 0 || !!document.querySelector('.panel .state-empty'), 'the history charts (or "No history yet")');
    await shot('ops-pipeline-first');
  });

  // 3. A dead letter: dat that is not JSON.
  const bad = { cid: `conv-e2e-bad-${token()}` };
  await step('dead letter appears, opens and is dropped', async () => {
    await openOps(page, 'Dead letters');
    await shown(page.getByTestId('ops-dead-letters'), 'the Dead letters screen');
    const id = await xadd({
      agt: 'broker',
      typ: 'user_input',
      cid: bad.cid,
      seq: '1',
      tsp: new Date().toISOString(),
      dat: '{"utterance": "this is not JSON',
    });
    bad.id = id;
    log(`pushed a bad entry ${id} (${bad.cid})`);
    const row = page.locator(`[data-testid="dead-letter-row"][data-id="${id}"]`);
    await shown(row, `the dead letter ${id} in the table (the screen refreshes by itself)`);
    await shot('ops-dead-letters');
    await row.getByRole('button', { name: `Open ${id}` }).click();
    const detail = page.getByTestId('dead-letter-detail');
    await shown(detail, 'the dead letter detail');
    await shown(detail.getByText('Original fields'), 'the original fields');
    await shown(detail.getByText(bad.cid).first(), 'the conversation id in the detail');
    await shown(detail.locator('.ops-field dt', { hasText: /^dat$/ }), 'the dat field in the detail');
    await shot('ops-dead-letter-detail');
    await detail.getByRole('button', { name: 'Drop', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await shown(dialog, 'the confirmation dialog');
    const title = (await dialog.getByRole('heading').textContent())?.trim();
    assert(title === 'Drop 1 dead letter?', `the confirmation should say how many: ${JSON.stringify(title)}`);
    await shot('ops-dead-letter-confirm');
    await page.keyboard.press('Enter');
    await shown(page.getByText('Dropped 1 dead letter'), 'the notice after the drop');
    await waitFor(page, (i) => !document.querySelector(`[data-testid="dead-letter-row"][data-id="${i}"]`), `the row of ${id} to go`, id);
    const r = await goCall(page, 'GetDeadLetter', id);
    assert(!r.ok, `the dropped dead letter still answers: ${JSON.stringify(r).slice(0, 200)}`);
  });

  // 4. A rebuild while the grid keeps updating.
  await step('rebuild finishes while the grid updates', async () => {
    await openOps(page, 'Rebuild and replay');
    await shown(page.getByTestId('ops-rebuilds'), 'the Rebuild and replay screen');
    await shown(page.getByRole('button', { name: 'Start rebuild' }), 'the Start rebuild button');
    await page.getByRole('button', { name: 'Start rebuild' }).click();
    const started = page.getByRole('status').filter({ hasText: /^Started rebuild / });
    await shown(started, 'the notice "Started rebuild …"');
    const jobId = (await started.textContent()).trim().replace(/^Started rebuild /, '');
    log(`started rebuild ${jobId}`);
    const row = page.locator(`[data-testid="job-row"][data-id="${jobId}"]`);
    await shown(row, `the job ${jobId} in the jobs table`);
    await shot('ops-rebuilds');
    // Meanwhile new conversations arrive and show in the grid.
    const c = await pushConversation({ first: 'Ruth', last: surname('Rebuild') });
    await nav(page).getByRole('button', { name: 'Conversations' }).click();
    await waitFor(
      page,
      (name) => [...document.querySelectorAll('[data-testid="conversation-card"]')].some((e) => e.textContent?.includes(name)),
      `the card of ${c.name} during the rebuild`,
      c.name,
    );
    await shot('ops-rebuild-grid');
    // Back on the screen: the job ends, succeeded.
    await nav(page).getByRole('button', { name: 'Operations' }).click();
    await openOps(page, 'Rebuild and replay');
    await waitFor(
      page,
      (i) => {
        const r = document.querySelector(`[data-testid="job-row"][data-id="${i}"]`);
        return r && r.getAttribute('data-state') !== 'running';
      },
      `the job ${jobId} to finish`,
      jobId,
      120_000,
    );
    const state = await row.getAttribute('data-state');
    assert(state === 'succeeded', `the rebuild ended ${state}: ${await row.textContent()}`);
    // Entries pushed during the rebuild were projected by the backend as well.
    const p = await goCall(page, 'Pipeline');
    assert(p.ok, `Pipeline(): ${p.error}`);
    log(`after the rebuild: last applied ${p.value.projection.lastAppliedId}, ${p.value.projection.behind} behind`);
    await shot('ops-rebuilds-done');
  });

  // 5. Desktops and the audit log.
  await step('desktops lists this desktop', async () => {
    await openOps(page, 'Desktops');
    await shown(page.getByTestId('ops-desktops'), 'the Desktops screen');
    const table = page.getByRole('table', { name: 'Desktops' });
    await shown(table.getByText(admin.email).or(table.getByText(admin.name)).first(), `a row of ${admin.email} (reported at sign-in)`, 40_000);
    await shot('ops-desktops');
  });
  await step('audit log shows the drop', async () => {
    await openOps(page, 'Audit log');
    await shown(page.getByTestId('ops-audit'), 'the Audit log screen');
    const table = page.getByRole('table', { name: 'Audit log' });
    await shown(table.getByText(bad.id ?? 'no-id').first(), 'the drop of the dead letter in the audit log');
    await shot('ops-audit');
  });

  // 6. The charts: the backend records one history point a minute, so this waits for the
  // first (up to 90 s on a fresh backend) and checks that uPlot drew it.
  await step('pipeline charts draw the history', async () => {
    await openOps(page, 'Pipeline');
    await shown(page.getByTestId('ops-pipeline'), 'the Pipeline screen');
    await waitFor(
      page,
      () => document.querySelectorAll('.time-chart canvas').length === 4,
      'four history charts (the first point a minute after the backend started)',
      null,
      90_000,
    );
    await shot('ops-pipeline');
  });

  if (failed.length) throw new Error(`${failed.length} step(s) failed:\n  - ${failed.join('\n  - ')}`);
}
