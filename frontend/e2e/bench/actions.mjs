// Actions benchmark driver (not a test): signs in to the real app (E2E_URL) and times,
// in the page, what a supervisor waits for after an action: from the input event (the
// keydown or mousedown's event.timeStamp) to the first DOM mutation after which the
// result is on screen (a MutationObserver over the document checks a condition after
// every batch of mutations, i.e. right after the React commit that shows it), and to the
// next animation frame after that (the frame that paints it). Each action is repeated
// BENCH_REPEAT times; prints one JSON line per action with p50/p95/max of both.
// scripts/bench-scroll.sh starts everything and calls this when BENCH_ACTIONS=1.
//
//   status       a status key (1-7) on the grid → its first card shows the new status
//   attention    the "Needs attention" navigation button → its rows
//   open         a card clicked → the transcript's messages
//   back         Esc on the conversation → the grid's cards again
//   palette      Ctrl-K, three letters → the results, from the last key: typed at once
//                (the last letter waits for the search of the one before) and a key
//                every 120 ms
//
// Env: E2E_URL, E2E_EMAIL, E2E_PASSWORD; BENCH_VIEWPORT (1440x900), BENCH_REPEAT (20),
// CHROMIUM_PATH.
import { shown, waitFor } from '../tests/lib/helpers.mjs';
import { openGrid, pct } from './lib.mjs';

const repeat = Number(process.env.BENCH_REPEAT || 20);
const log = (...a) => console.error('bench:', ...a);
// The order of the keys 1-7 (frontend/src/api/types.ts STATUSES).
const STATUSES = ['Active', 'Paused', 'Soft End', 'Hard End', 'Ended', 'Approved', 'Declined'];
// Three letters a supervisor might type: name, word and purpose beginnings.
const TEXTS = ['smi', 'jam', 'oli', 'mar', 'loa', 'wil', 'eli', 'tho', 'bro', 'cha', 'geo', 'kin', 'par', 'hil', 'mic', 'sar', 'dav', 'emm', 'car', 'lee'];

function summary(action, samples, extra = {}) {
  const row = { action, n: samples.length };
  for (const k of ['dom', 'frame', 'answered', 'callMs']) {
    const xs = samples.map((s) => s[k]).filter((x) => typeof x === 'number').sort((a, b) => a - b);
    if (xs.length === 0) continue;
    row[`${k}P50ms`] = +pct(xs, 50).toFixed(1);
    row[`${k}P95ms`] = +pct(xs, 95).toFixed(1);
    row[`${k}MaxMs`] = +xs[xs.length - 1].toFixed(1);
  }
  return { ...row, ...extra };
}

/** Installs the in-page probe: window.__bench.arm(condition, arg) then an action. */
async function installProbe(page) {
  await page.evaluate(() => {
    const cards = () => [...document.querySelectorAll('[data-testid="conversation-card"]')];
    const conds = {
      // The grid's first card carries the chosen status (the old list stays until the
      // new page replaces it, so this is the new list shown).
      firstCardStatus: (st) => cards()[0]?.querySelector('[data-testid="status-badge"]')?.textContent === st,
      attentionRows: () => document.querySelectorAll('[data-testid="attention-item"]').length > 0,
      messages: () => document.querySelectorAll('[data-testid="message"]').length > 0,
      grid: () => cards().length > 0 && document.querySelectorAll('[data-testid="message"]').length === 0,
      // Results; or "Nothing found." once the answer is in (the palette says it while its
      // question is still out, too).
      paletteAnswer: () =>
        document.querySelectorAll('[data-testid="palette-result"]').length > 0 ||
        (!!document.querySelector('.palette-empty') && calls.some((c) => c.name === 'Jump' && c.end !== null)),
    };
    // The bindings the actions call, wrapped to time their questions apart from the
    // rendering.
    const app = window.go.app.App;
    const calls = [];
    const ended = new Set(); // listeners for a call's answer
    for (const name of ['Jump', 'NeedsAttention', 'GetConversation', 'ListConversations']) {
      const f = app[name];
      app[name] = (...a) => {
        const c = { name, start: performance.now(), end: null };
        calls.push(c);
        return f(...a).finally(() => {
          c.end = performance.now();
          ended.forEach((l) => l(c));
        });
      };
    }
    // After the frame that follows now: a rAF callback runs before its frame's style,
    // layout and paint; a message posted from it runs after them.
    const afterFrame = () =>
      new Promise((resolve) =>
        requestAnimationFrame(() => {
          const ch = new MessageChannel();
          ch.port1.onmessage = () => resolve(performance.now());
          ch.port2.postMessage(0);
        }),
      );
    window.__bench = {
      // Arms the probe for the next action: resolves window.__benchP with, from the last
      // input event, dom (the condition met after a DOM mutation) and frame (that frame
      // painted); with call, also callMs (the first such binding call made after the
      // input: its duration) and answered (its answer, then a frame: the fresh data on
      // screen even when the DOM showed an older list at once).
      arm(name, arg, call) {
        const cond = conds[name];
        const before = cond(arg);
        let t0 = null;
        const onInput = (e) => {
          t0 = e.timeStamp; // the last input event before the result: the last key typed
        };
        window.addEventListener('keydown', onInput, true);
        window.addEventListener('mousedown', onInput, true);
        calls.length = 0;
        window.__benchP = new Promise((resolve) => {
          const timer = setTimeout(() => resolve({ timeout: `input seen: ${t0 !== null}, condition now: ${cond(arg)}, at ${location.hash}` }), 15_000);
          const seen = new Promise((ok) => {
            let hit = false;
            const mo = new MutationObserver(() => {
              if (hit || t0 === null || !cond(arg)) return;
              hit = true;
              mo.disconnect();
              window.removeEventListener('keydown', onInput, true);
              window.removeEventListener('mousedown', onInput, true);
              const tDom = performance.now();
              afterFrame().then((tFrame) => ok({ dom: tDom - t0, frame: tFrame - t0 }));
            });
            mo.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
          });
          const answered = !call
            ? Promise.resolve({})
            : new Promise((ok) => {
                const l = (c) => {
                  if (c.name !== call || t0 === null || c.start < t0) return;
                  ended.delete(l);
                  const n = calls.filter((x) => x.name === call).length;
                  afterFrame().then((t) => ok({ callMs: c.end - c.start, answered: t - t0, calls: n }));
                };
                ended.add(l);
              });
          Promise.all([seen, answered]).then(([a, b]) => {
            clearTimeout(timer);
            resolve({ ...a, ...b });
          });
        });
        return before;
      },
    };
  });
}

/** The action timed, or null when its result was on screen before it (not measurable). */
async function measure(page, cond, arg, call, act) {
  const before = await page.evaluate(([c, a, k]) => window.__bench.arm(c, a, k), [cond, arg, call]);
  await act();
  const r = await page.evaluate(() => window.__benchP);
  if (r.timeout) throw new Error(`${cond}(${arg ?? ''}): no result within 15 s (${r.timeout})`);
  if (before) {
    log(`skipped: ${cond}(${arg ?? ''}) was already true before the action`);
    return null;
  }
  return r;
}

const gridShown = (page) =>
  waitFor(page, () => document.querySelectorAll('[data-testid="conversation-card"]').length > 0, 'the grid', null, 120_000);

const { page, close } = await openGrid();
try {
  const nav = page.getByRole('navigation', { name: 'Main' });
  const counts = await page.evaluate(() => window.go.app.App.StatusCounts(''));
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  log(`signed in; ${total} conversations in the cache; ${JSON.stringify(counts)}`);
  await installProbe(page);
  await page.waitForTimeout(2000); // settle: first pages, counts

  const done = (xs) => xs.filter(Boolean);

  // 1. Status filter: keys 1-7 cycling through the statuses that have conversations, so
  // that each press changes the list (the same key again would go back to All).
  const statuses = STATUSES.map((st, i) => ({ st, key: String(i + 1) })).filter(({ st }) => (counts[st] || 0) > 0);
  const status = [];
  for (let i = 0; done(status).length < repeat && i < 3 * repeat; i++) {
    const { st, key } = statuses[i % statuses.length];
    if (i > 0 && statuses.length === 1) {
      await page.keyboard.press(key); // back to All first
      await page.waitForTimeout(300);
    }
    const r = await measure(page, 'firstCardStatus', st, 'ListConversations', () => page.keyboard.press(key));
    status.push(r && { ...r, st });
    await page.waitForTimeout(300);
  }
  await page.getByRole('group', { name: 'Filter by status' }).getByRole('button', { name: /^All/ }).click();
  await page.waitForTimeout(1000);
  const perStatus = {};
  for (const s of done(status)) (perStatus[s.st] ||= []).push(+s.dom.toFixed(1));
  console.log(JSON.stringify(summary('status filter: key 1-7 → first card of the new list', done(status), { conversations: total, perStatusDomMs: perStatus })));

  // 2. Needs attention: the navigation button → its rows; back to the grid between runs.
  // The list is kept between visits (and refreshed on live batches), so the rows show at
  // once from the last load; "answered" is the load the visit starts, then a frame.
  const attention = [];
  for (let i = 0; i < repeat; i++) {
    attention.push(await measure(page, 'attentionRows', null, 'NeedsAttention', () => nav.getByRole('button', { name: /Needs attention/ }).click()));
    await page.waitForTimeout(300);
    await nav.getByRole('button', { name: 'Conversations' }).click();
    await gridShown(page);
    await page.waitForTimeout(300);
  }
  // Where the call's time goes: the same call alone, 5 times, the size of its answer, and
  // a call that does next to nothing.
  const alone = await page.evaluate(async () => {
    const ms = [];
    let p;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      p = await window.go.app.App.NeedsAttention(200);
      ms.push(+(performance.now() - t).toFixed(1));
    }
    // A binding that does next to nothing: what carrying a call costs.
    const trivial = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await window.go.app.App.GetPreferences();
      trivial.push(+(performance.now() - t).toFixed(1));
    }
    return { ms, trivial, total: p.total, bytes: JSON.stringify(p).length };
  });
  console.log(
    JSON.stringify(
      summary('needs attention: nav button → its rows', done(attention), {
        needingAttention: alone.total,
        answerBytes: alone.bytes,
        callAloneMs: alone.ms,
        trivialCallMs: alone.trivial,
      }),
    ),
  );

  // 3. Open a conversation: a different card each time → its messages; Esc → the grid.
  // From the Approved list: the newest conversations at the top of All are the live
  // simulator's, which have no messages yet.
  const approved = String(STATUSES.indexOf('Approved') + 1);
  await page.keyboard.press(approved);
  await waitFor(page, () => document.querySelector('[data-testid="conversation-card"] [data-testid="status-badge"]')?.textContent === 'Approved', 'the Approved list');
  const open = [];
  const back = [];
  for (let i = 0; i < repeat; i++) {
    const card = page.locator('[data-testid="conversation-card"]').nth(i % 12);
    open.push(await measure(page, 'messages', null, 'GetConversation', () => card.click()));
    await page.waitForTimeout(300);
    back.push(await measure(page, 'grid', null, null, () => page.keyboard.press('Escape')));
    await page.waitForTimeout(300);
  }
  console.log(JSON.stringify(summary('open a conversation: card click → its messages', done(open))));
  console.log(JSON.stringify(summary('back: Esc → the grid', done(back))));
  await page.keyboard.press(approved); // All again
  await page.waitForTimeout(1000);

  // 4. Palette: Ctrl-K, three letters → the results after the last key: typed at once
  // (a paste, the worst case: the last letter waits for the search of the one before),
  // then at a fast typist's pace (a key every 120 ms). With keys apart, results of the
  // text before may still show when the last key lands, so "answered" (the search asked
  // after the last key, answered, then a frame) is the figure for that run.
  const runPalette = async (label, typeOptions) => {
    const palette = [];
    for (let i = 0; i < repeat; i++) {
      const text = TEXTS[i % TEXTS.length];
      await page.keyboard.press('Control+k');
      await shown(page.getByRole('textbox', { name: 'Jump to' }), 'the palette');
      const r = await measure(page, 'paletteAnswer', null, 'Jump', () => page.keyboard.type(text, typeOptions));
      if (r) palette.push({ ...r, text, results: await page.getByTestId('palette-result').count() });
      if (r && r.calls !== 1) log(`palette "${text}": ${r.calls} Jump calls`);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(300);
    }
    console.log(
      JSON.stringify(
        summary(label, palette, {
          perText: palette.map((p) => `${p.text}: ${p.results} results, call ${p.callMs.toFixed(0)} ms`),
        }),
      ),
    );
  };
  await runPalette('palette: Ctrl-K, 3 letters typed at once → results, from the last key', {});
  await runPalette('palette: Ctrl-K, 3 letters a key every 120 ms → results, from the last key', { delay: 120 });
} finally {
  await close();
}
