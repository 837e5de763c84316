// Shared helpers for the e2e tests (not a test itself: run.mjs only runs tests/*.mjs).
// scripts/e2e.sh passes the set-up through the environment:
//   E2E_EMAIL, E2E_PASSWORD, E2E_USER_NAME   the supervisor made with `backend user add`
//   E2E_REDIS_URL, E2E_STREAM                where the app-dev under test reads the ledger
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** Generous: CI machines are slow and shared. */
export const TIMEOUT = 30_000;

export function env() {
  const e = {
    email: process.env.E2E_EMAIL,
    password: process.env.E2E_PASSWORD,
    name: process.env.E2E_USER_NAME || '',
    redisUrl: process.env.E2E_REDIS_URL,
    stream: process.env.E2E_STREAM,
  };
  const missing = ['email', 'password', 'redisUrl', 'stream'].filter((k) => !e[k]);
  if (missing.length) {
    throw new Error(
      `missing ${missing.join(', ')}: run these tests through scripts/e2e.sh, which starts the backend, ` +
        'creates the user and sets E2E_EMAIL, E2E_PASSWORD, E2E_REDIS_URL and E2E_STREAM',
    );
  }
  return e;
}

/** A short random token for unique names and ids. */
export function token(n = 4) {
  return randomBytes(n).toString('hex');
}

/** A surname made of letters only (the search tokenises on non-letters). */
export function surname(prefix) {
  const letters = 'bcdfghjklmnpqrstvwxz';
  let s = '';
  for (const b of randomBytes(6)) s += letters[b % letters.length];
  return prefix + s;
}

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 15_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.slice(0, 4).join(' ')} …: ${err.message}\n${stderr}`));
      else resolve(stdout.trim());
    });
  });
}

/** XADD one ledger entry (flat string fields) to the test stream; returns its id. */
export async function xadd(fields) {
  const { redisUrl, stream } = env();
  const args = ['-u', redisUrl, '--no-auth-warning', 'XADD', stream, '*'];
  for (const [k, v] of Object.entries(fields)) args.push(k, typeof v === 'string' ? v : JSON.stringify(v));
  const id = await run('redis-cli', args);
  if (!/^\d+-\d+$/.test(id)) throw new Error(`XADD answered ${JSON.stringify(id)}`);
  return id;
}

/** A broker event for a conversation, as the producer sends it. */
export function event(c, typ, seq, dat) {
  return {
    agt: 'broker',
    typ,
    cid: c.cid,
    aid: c.aid,
    uid: c.uid,
    seq: String(seq),
    tsp: new Date(Date.now() - (c.agoMs || 0)).toISOString(),
    dat: JSON.stringify(dat),
  };
}

/**
 * Pushes a new conversation into Redis: conversation_started, the customer's name in an
 * applicationDetail_changed, and one message from the customer. Returns the conversation
 * ({ cid, aid, uid, first, last, name, seq }); pass it to pushMessage for more messages.
 */
export async function pushConversation({ first = 'Eve', last, text = 'Hello, I would like a small loan.', agoMs = 0 }) {
  const t = token();
  const c = {
    cid: `conv-e2e-${t}`,
    aid: `APP-E2E-${t.toUpperCase()}`,
    uid: `cust-e2e-${t}`,
    first,
    last,
    name: `${first} ${last}`,
    seq: 0,
    // Its events are dated this long ago (a conversation that has been waiting).
    agoMs,
  };
  await xadd(
    event(c, 'conversation_started', ++c.seq, {
      conversation_id: c.cid,
      application_number: c.aid,
      customer_id: c.uid,
      username: 'customer',
    }),
  );
  await xadd(
    event(c, 'applicationDetail_changed', ++c.seq, {
      applicationNumber: c.aid,
      customerId: c.uid,
      loanPurpose: 'Car repairs',
      loanAmount: 500,
      customer: { customer_id: c.uid, first_name: first, last_name: last },
    }),
  );
  await pushMessage(c, 'customer', text);
  return c;
}

/** Appends one message to a pushed conversation. */
export async function pushMessage(c, sender, text) {
  const typ = sender === 'customer' ? 'user_input' : 'assistant_response';
  const dat =
    sender === 'customer'
      ? { conversation_id: c.cid, application_number: c.aid, customer_id: c.uid, utterance: text, end_conversation: false }
      : { u: text, r: 'e2e test message', a: 'text', c: false, d: {} };
  return xadd(event(c, typ, ++c.seq, dat));
}

// ---------------------------------------------------------------------------
// Page helpers

export const signInForm = (page) => page.getByRole('form', { name: 'Sign in' });
export const signOutButton = (page) => page.getByRole('button', { name: 'Sign out' });
export const cards = (page) => page.getByTestId('conversation-card');
export const searchBox = (page) => page.getByRole('searchbox', { name: 'Search conversations' });

/** Waits until either the sign-in form or the signed-in header shows; returns which. */
export async function whichScreen(page) {
  const h = await page.waitForFunction(
    () => {
      if (document.querySelector('form[aria-label="Sign in"]')) return 'signin';
      if (document.querySelector('header.app-header')) return 'app';
      return null;
    },
    null,
    { timeout: TIMEOUT },
  );
  return h.jsonValue();
}

/** Fills the sign-in form and submits it. */
export async function submitSignIn(page, email, password) {
  const form = signInForm(page);
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs in with the e2e user unless already signed in; ends on the conversations grid. */
export async function ensureSignedIn(page, url) {
  if (!/^https?:/.test(page.url())) await page.goto(url, { waitUntil: 'load', timeout: TIMEOUT });
  if ((await whichScreen(page)) === 'signin') {
    const { email, password } = env();
    await submitSignIn(page, email, password);
    await shown(signOutButton(page), 'the signed-in header ("Sign out")');
  }
  await gotoGrid(page);
}

/** Shows the conversations grid with no search and no status filter. */
export async function gotoGrid(page) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Conversations' }).click();
  const box = searchBox(page);
  await shown(box, 'the conversations search box');
  if ((await box.inputValue()) !== '') {
    await box.fill('');
  }
  const all = page.getByRole('group', { name: 'Filter by status' }).getByRole('button', { name: /^All/ });
  if ((await all.getAttribute('aria-pressed')) !== 'true') await all.click();
  // The unfiltered grid has loaded (the seeded conversations are there).
  await waitFor(page, () => document.querySelectorAll('[data-testid="conversation-card"]').length > 0, 'any conversation card');
  await page.waitForFunction(() => !document.querySelector('input[type="search"]')?.value, null, { timeout: TIMEOUT });
}

/** page.waitForFunction with a readable failure. */
export async function waitFor(page, fn, what, arg = null, timeout = TIMEOUT) {
  try {
    return await page.waitForFunction(fn, arg, { timeout, polling: 100 });
  } catch (e) {
    throw new Error(`timed out after ${timeout} ms waiting for ${what}: ${e.message.split('\n')[0]}`);
  }
}

/** locator.waitFor (visible) with a readable failure. */
export async function shown(locator, what, timeout = TIMEOUT) {
  try {
    await locator.waitFor({ state: 'visible', timeout });
  } catch (e) {
    throw new Error(`timed out after ${timeout} ms waiting for ${what} to show: ${e.message.split('\n')[0]}`);
  }
}

/** The text of every conversation card in the DOM (the grid is virtualised: those in view). */
export function cardTexts(page) {
  return page.$$eval('[data-testid="conversation-card"]', (els) => els.map((e) => e.textContent || ''));
}

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}
