// End-to-end runner: opens E2E_URL in the machine's Chromium, runs a smoke check,
// then every e2e/tests/*.mjs (sorted by name), and writes screenshots to e2e/out/.
//
//   E2E_URL=http://localhost:34115/ npm run e2e
//
// Env:
//   E2E_URL         page to open (required), e.g. the dev-tagged Go build's -devserver
//   E2E_REQUIRE_GO  "1": fail unless window.go.app.App.Version() resolves (the real Go app)
//   E2E_FILTER      only run tests whose file name contains this string
//   E2E_VIEWPORT    the window's size as WIDTHxHEIGHT (default 1280x800), e.g. 1024x700
//   CHROMIUM_PATH   default /usr/bin/chromium
//
// A test file exports `default async function ({ page, url, shot, log })` and throws to fail.
import { mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launch } from './browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, 'out');
const testsDir = join(here, 'tests');

const url = process.env.E2E_URL;
if (!url) {
  console.error(
    'e2e: E2E_URL is not set. Start the app first (see scripts/README.md: dev-tagged build ' +
      'with -devserver localhost:34115), then run: E2E_URL=http://localhost:34115/ npm run e2e',
  );
  process.exit(2);
}
const requireGo = process.env.E2E_REQUIRE_GO === '1';
const filter = process.env.E2E_FILTER || '';

mkdirSync(outDir, { recursive: true });
const log = (...a) => console.log('e2e:', ...a);

// Smoke: the page renders something into #root and, against the Go app, the bindings work.
// (Kept independent of the UI's markup: the screens are tested by e2e/tests/*.mjs.)
async function smoke({ page, shot }) {
  await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  await page.waitForFunction(() => (document.getElementById('root')?.childElementCount ?? 0) > 0, null, {
    timeout: 15_000,
  });
  const hasGo = await page.evaluate(() => Boolean(window.go?.app?.App?.Version));
  if (hasGo) {
    const version = await page.evaluate(() => window.go.app.App.Version());
    if (typeof version !== 'string' || version === '') throw new Error(`Version() returned ${JSON.stringify(version)}`);
    log(`window.go.app.App.Version() = ${JSON.stringify(version)}`);
  } else if (requireGo) {
    throw new Error('window.go.app.App.Version is missing: is E2E_URL the Go app (dev-tagged build)?');
  } else {
    log('no Go bindings on this page (plain frontend); skipping the Version() check');
  }
  await shot('smoke');
}

const tests = [['smoke', smoke]];
let files = [];
try {
  files = readdirSync(testsDir).filter((f) => f.endsWith('.mjs')).sort();
} catch {
  /* no tests dir */
}
for (const f of files) {
  const mod = await import(pathToFileURL(join(testsDir, f)).href);
  tests.push([f.replace(/\.mjs$/, ''), mod.default]);
}

const [vw, vh] = (process.env.E2E_VIEWPORT || '1280x800').split('x').map(Number);
if (!(vw > 0 && vh > 0)) throw new Error(`E2E_VIEWPORT=${process.env.E2E_VIEWPORT}: want WIDTHxHEIGHT`);
const { page, close } = await launch({ viewport: { width: vw, height: vh } });
// Uncaught errors in the page fail the test that was running. The dev-tagged Go build's own
// /wails/ipc.js throws "Cannot read properties of null (reading 'nodes')" once per load
// (its dev overlay); that one is Wails's, harmless, and only logged.
let pageErrors = [];
page.on('pageerror', (err) => {
  const text = err?.stack || String(err);
  if (text.includes('/wails/ipc.js')) log(`ignored Wails dev-runtime error: ${err?.message}`);
  else pageErrors.push(text);
});

let passed = 0;
let failed = 0;
try {
  for (const [name, fn] of tests) {
    if (filter && name !== 'smoke' && !name.includes(filter)) continue;
    const shot = async (label = name) => {
      const file = join(outDir, `${label}.png`);
      await page.screenshot({ path: file, fullPage: true });
      log(`screenshot ${file}`);
    };
    const t0 = Date.now();
    pageErrors = [];
    try {
      await fn({ page, url, shot, log });
      if (pageErrors.length) throw new Error(`uncaught page errors:\n  ${pageErrors.join('\n  ')}`);
      passed++;
      log(`ok   ${name} (${Date.now() - t0} ms)`);
    } catch (err) {
      failed++;
      console.error(`e2e: FAIL ${name}: ${err?.stack || err}`);
      await shot(`${name}-failure`).catch(() => {});
    }
  }
} finally {
  await close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
