// The data state tells the truth. The app is pointed at a Redis of this test's own
// (a free port) holding a long stream: the first copy shows its progress and no card
// shows a final status until it is done. Then that Redis stops: an "Offline since"
// banner with the problem in words appears, badges are marked "as of"; Redis comes
// back, Retry, and the banner clears. Pointing a desktop at another Redis is an
// administrator's local override (a supervisor's SaveSettings is refused: 86-wall-and-roles),
// so the test signs in as the admin, turns the override off at the end (back to the shared
// connection) and signs the supervisor in again.
import { spawn, execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { assert, ensureSignedIn, shown, signInForm, signOutButton, submitSignIn, waitFor } from './lib/helpers.mjs';

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

function startRedis(port) {
  const p = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  return p;
}

function run(cmd, args) {
  return new Promise((res, rej) =>
    execFile(cmd, args, { timeout: 120_000 }, (err, stdout, stderr) => (err ? rej(new Error(`${cmd}: ${err.message}\n${stderr}`)) : res(stdout.trim()))),
  );
}

async function waitRedis(port) {
  for (let i = 0; i < 50; i++) {
    try {
      if ((await run('redis-cli', ['-p', String(port), 'PING'])) === 'PONG') return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`redis-server on ${port} did not start`);
}

const goApp = (page, method, ...args) =>
  page.evaluate(([m, a]) => window.go.app.App[m](...a), [method, args]);

async function signInAs(page, email, password) {
  await signOutButton(page).click();
  await shown(signInForm(page), 'the sign-in form');
  await submitSignIn(page, email, password);
  await shown(signOutButton(page), 'the signed-in header');
}

export default async function ({ page, url, shot, log }) {
  await ensureSignedIn(page, url);
  const admin = { email: process.env.E2E_ADMIN_EMAIL, password: process.env.E2E_ADMIN_PASSWORD };
  if (!admin.email || !admin.password) throw new Error('E2E_ADMIN_EMAIL / E2E_ADMIN_PASSWORD missing: run through scripts/e2e.sh');
  await signInAs(page, admin.email, admin.password);
  await ensureSignedIn(page, url);
  const port = await freePort();
  let redis = startRedis(port);
  const original = await goApp(page, 'GetSettings');
  try {
    await waitRedis(port);
    const backend = resolve('..', 'build/bin/e2e-backend');
    const stream = `e2e:sync:${process.pid}`;
    const out = await run(backend, ['simulate', '--redis', `redis://127.0.0.1:${port}/0`, '--stream', stream, '--conversations', '2500',
      '--history', '3h', '--spread', '0', '--rate', '0', '--live=false', '--seed', '15', '--quiet']);
    log(out);

    // Watch from the top of the grid, as after a fresh start (scrolled down, arrivals
    // would be held back above the view; 80-workspace-steady-grid tests that).
    await page.evaluate(() => {
      document.querySelector('[data-testid="grid-scroll"]').scrollTop = 0;
    });
    await waitFor(page, () => document.querySelector('[data-testid="grid-scroll"]').scrollTop === 0, 'the grid at the top');
    // Point the app at it: a new stream replaces the cache, so this is a first sync.
    await goApp(page, 'SaveSettings', {
      ...original,
      redisUrl: `redis://127.0.0.1:${port}/0`,
      stream,
      redisPassword: '',
      connectionOverride: true,
    });
    await waitFor(page, () => !!document.querySelector('[data-testid="sync-banner"]'), 'the first-sync banner');
    let sawPercent = false;
    let samples = 0;
    let shotTaken = false;
    // While the banner shows, no card may show a final status.
    const until = Date.now() + 180_000;
    for (;;) {
      assert(Date.now() < until, 'the first sync did not finish within 3 minutes');
      const s = await page.evaluate(() => ({
        banner: document.querySelector('[data-testid="sync-banner"]')?.textContent || null,
        header: document.querySelector('[data-testid="connection"]')?.textContent || '',
        statuses: [...document.querySelectorAll('[data-testid="conversation-card"] [data-testid="status-badge"]')].map((b) => b.dataset.status),
      }));
      if (!s.banner) break;
      samples++;
      const pct = /(\d+)%/.exec(s.banner);
      if (pct && Number(pct[1]) > 0 && /Catching up [1-9]\d*%/.test(s.header)) sawPercent = true;
      const final = s.statuses.filter((x) => x !== 'syncing');
      assert(final.length === 0, `during the first sync cards show final statuses: ${final.join(', ')} (banner: ${s.banner})`);
      if (!shotTaken && s.statuses.length > 0) {
        await shot('workspace-first-sync');
        shotTaken = true;
      }
      await page.waitForTimeout(100);
    }
    log(`first sync watched over ${samples} samples`);
    assert(sawPercent, 'the banner and header never showed a percentage above 0');
    await waitFor(page, () => {
      const b = [...document.querySelectorAll('[data-testid="conversation-card"] [data-testid="status-badge"]')];
      return b.length > 0 && b.every((x) => x.dataset.status !== 'syncing');
    }, 'final statuses once caught up');
    assert((await page.getByTestId('connection').textContent()).includes('Live'), 'the header does not say Live once caught up');
    assert((await page.getByTestId('new-above').count()) === 0, 'the replayed history was counted as new arrivals');

    // Redis stops.
    redis.kill('SIGKILL');
    await waitFor(page, () => !!document.querySelector('[data-testid="offline-banner"]'), 'the offline banner');
    const banner = await page.getByTestId('offline-banner').textContent();
    log(`offline banner: ${banner}`);
    assert(/Offline since \d\d:\d\d/.test(banner), `the banner does not say since when: ${banner}`);
    assert(/nothing answers there|Lost the connection/.test(banner), `the banner does not say what is wrong in words: ${banner}`);
    assert(!/dial tcp|EOF|connect:/.test(banner), `the banner shows a Go error: ${banner}`);
    assert(/as of \d\d:\d\d/.test(banner), `the banner does not say as of when: ${banner}`);
    await waitFor(page, () => {
      const b = [...document.querySelectorAll('[data-testid="conversation-card"] [data-testid="status-badge"]')];
      return b.length > 0 && b.every((x) => x.classList.contains('badge-as-of'));
    }, 'badges marked as of');
    assert((await page.getByTestId('grid-as-of').count()) === 1, 'the grid does not say its statuses are as of a time');
    await shot('workspace-offline');

    // Redis is back; Retry reconnects at once.
    redis = startRedis(port);
    await waitRedis(port);
    // The app also retries by itself (backoff up to 10 s): Retry may find it back already.
    await page.getByRole('button', { name: 'Retry now' }).click({ timeout: 2000 }).catch(() => log('reconnected before Retry was clicked'));
    await waitFor(page, () => !document.querySelector('[data-testid="offline-banner"]'), 'the offline banner to clear');
    await waitFor(page, () => document.querySelector('[data-testid="connection"]')?.textContent.includes('Live'), 'Live in the header');
  } finally {
    // Back to the shared connection (the test stream).
    await goApp(page, 'SaveSettings', { ...original, redisPassword: '', connectionOverride: false }).catch((e) =>
      log(`restoring settings failed: ${e}`),
    );
    redis.kill('SIGKILL');
  }
  await waitFor(page, () => document.querySelector('[data-testid="connection"]')?.textContent.includes('Live'), 'Live again on the test stream', null, 60_000);
  const now = await goApp(page, 'GetSettings');
  assert(now.stream === original.stream && !now.connectionOverride, `not back on the shared stream: ${JSON.stringify(now.stream)}`);
  await signInAs(page, process.env.E2E_EMAIL, process.env.E2E_PASSWORD);
  await ensureSignedIn(page, url);
}
