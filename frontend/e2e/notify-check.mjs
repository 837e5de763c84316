// Native desktop notifications, checked against a real notification service
// (scripts/check-notifications.sh starts it): signs in to the app (E2E_URL, E2E_EMAIL,
// E2E_PASSWORD), asks Go to notify, and waits for the click the script then makes on
// the notification to come back to the window as "notification:open" with its
// conversation. Prints what it saw; exits non-zero when either step fails.
import { launch } from './browser.mjs';
import { shown, signOutButton, submitSignIn, whichScreen } from './tests/lib/helpers.mjs';

const CONVERSATION = 'conv-notify-check';
const { page, close } = await launch({ viewport: { width: 1280, height: 800 } });
let ok = false;
try {
  await page.goto(process.env.E2E_URL, { waitUntil: 'load', timeout: 60_000 });
  if ((await whichScreen(page)) === 'signin') {
    await submitSignIn(page, process.env.E2E_EMAIL, process.env.E2E_PASSWORD);
    await shown(signOutButton(page), 'the signed-in header', 60_000);
  }
  await page.evaluate(() => {
    window.__opened = null;
    window.runtime.EventsOn('notification:open', (id) => {
      window.__opened = id;
    });
  });
  const native = await page.evaluate(
    (id) => window.go.app.App.Notify({ title: 'Needs attention: Konstantinos Papadopoulos', body: 'The customer has waited 6 minutes for a reply', conversationId: id }),
    CONVERSATION,
  );
  console.log(`notify-check: shown by the desktop: ${native}`);
  const deadline = Date.now() + 30_000;
  let opened = null;
  while (native && opened === null && Date.now() < deadline) {
    await page.waitForTimeout(200);
    opened = await page.evaluate(() => window.__opened);
  }
  console.log(`notify-check: a click opened: ${JSON.stringify(opened)}`);
  ok = native === true && opened === CONVERSATION;
} finally {
  await close();
}
process.exit(ok ? 0 : 1);
