// Scroll benchmark driver (not a test): signs in to the real app (E2E_URL), and for
// each density scrolls the conversation grid at a steady speed for a while, recording
// the time between animation frames (requestAnimationFrame deltas) and long tasks. The
// grid loads its pages as it goes (infinite scroll over the whole cache). Prints one
// JSON line per density. scripts/bench-scroll.sh starts everything and calls this.
//
// Env: E2E_URL, E2E_EMAIL, E2E_PASSWORD; BENCH_VIEWPORT (1440x900), BENCH_DENSITIES
// ("comfortable wall"), BENCH_SECONDS (10 per density), BENCH_PX_PER_FRAME (40),
// BENCH_CSS (extra CSS for the runs whose density is written with "+css", e.g.
// BENCH_DENSITIES="wall wall+css wall wall+css": an A/B of a style change in one run),
// BENCH_PROFILE (a directory: a CPU profile of each run, <density>-<n>.cpuprofile, and
// the functions with the most self time on stderr), CHROMIUM_PATH.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../tests/lib/helpers.mjs';
import { openGrid, pct, viewport } from './lib.mjs';

const [vw, vh] = viewport();
const densities = (process.env.BENCH_DENSITIES || 'comfortable wall').split(/\s+/).filter(Boolean);
const seconds = Number(process.env.BENCH_SECONDS || 10);
const pxPerFrame = Number(process.env.BENCH_PX_PER_FRAME || 40);
const log = (...a) => console.error('bench:', ...a);

const { page, close } = await openGrid();
try {
  const total = await page.evaluate(() => window.go.app.App.StatusCounts('').then((c) => Object.values(c).reduce((a, b) => a + b, 0)));
  log(`signed in; ${total} conversations in the cache`);

  const profileDir = process.env.BENCH_PROFILE || '';
  const cdp = profileDir ? await page.context().newCDPSession(page) : null;
  if (cdp) await cdp.send('Profiler.enable');
  let run = 0;
  for (const spec of densities) {
    run++;
    const [density, variant] = spec.split('+');
    const label = density[0].toUpperCase() + density.slice(1);
    await page.evaluate(
      ([css, on]) => {
        document.getElementById('bench-css')?.remove();
        if (!on) return;
        const st = document.createElement('style');
        st.id = 'bench-css';
        st.textContent = css;
        document.head.appendChild(st);
      },
      [process.env.BENCH_CSS || '', variant === 'css'],
    );
    await page.getByRole('group', { name: 'Grid density' }).getByRole('button', { name: label }).click();
    // Every run starts from the first page, as after opening the grid: a filter and back
    // reloads it, so each run loads its pages as it scrolls.
    const chips = page.getByRole('group', { name: 'Filter by status' });
    await chips.getByRole('button', { name: /^Approved/ }).click();
    await page.waitForTimeout(500);
    await chips.getByRole('button', { name: /^All/ }).click();
    await waitFor(page, () => document.querySelectorAll('[data-testid="conversation-card"]').length > 0, 'the first page again');
    await page.evaluate(() => {
      document.querySelector('[data-testid="grid-scroll"]').scrollTop = 0;
    });
    await page.waitForTimeout(1500); // settle: layout at the new density, first pages loaded
    if (cdp) await cdp.send('Profiler.start');
    const r = await page.evaluate(
      async ({ ms, px }) => {
        const el = document.querySelector('[data-testid="grid-scroll"]');
        const longTasks = [];
        const po = new PerformanceObserver((l) => l.getEntries().forEach((e) => longTasks.push(e.duration)));
        try {
          po.observe({ type: 'longtask', buffered: false });
        } catch {
          /* not supported */
        }
        const deltas = [];
        let stalled = 0;
        const t0 = performance.now();
        await new Promise((resolve) => {
          let last = 0;
          const frame = (t) => {
            if (last) deltas.push(t - last);
            last = t;
            if (t - t0 >= ms) return resolve();
            const before = el.scrollTop;
            el.scrollTop = before + px;
            if (el.scrollTop === before) stalled++; // at the loaded end, waiting for the next page
            requestAnimationFrame(frame);
          };
          requestAnimationFrame(frame);
        });
        po.disconnect();
        return {
          deltas,
          stalled,
          longTasks,
          scrolledPx: el.scrollTop,
          cardsInDom: document.querySelectorAll('[data-testid="conversation-card"]').length,
        };
      },
      { ms: seconds * 1000, px: pxPerFrame },
    );
    if (cdp) {
      const { profile } = await cdp.send('Profiler.stop');
      writeFileSync(join(profileDir, `${density}-${run}.cpuprofile`), JSON.stringify(profile));
      const self = new Map();
      const dt = profile.timeDeltas;
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      profile.samples.forEach((id, i) => {
        const f = byId.get(id).callFrame;
        const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
        self.set(key, (self.get(key) || 0) + (dt[i] || 0) / 1000);
      });
      const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25);
      log(`${density} run ${run}: most self time (ms)`);
      for (const [k, v] of top) log(`  ${v.toFixed(0).padStart(6)}  ${k}`);
    }
    const loaded = await page.evaluate(() => {
      const end = document.querySelector('.grid-canvas');
      return end ? end.getBoundingClientRect().height : 0;
    });
    const sorted = [...r.deltas].sort((a, b) => a - b);
    const out = {
      density: spec,
      viewport: `${vw}x${vh}`,
      conversations: total,
      frames: r.deltas.length,
      p50ms: +pct(sorted, 50).toFixed(1),
      p95ms: +pct(sorted, 95).toFixed(1),
      p99ms: +pct(sorted, 99).toFixed(1),
      maxms: +sorted[sorted.length - 1].toFixed(1),
      over17ms: r.deltas.filter((d) => d > 17).length,
      stalledFrames: r.stalled,
      longTasks: r.longTasks.length,
      longestTaskMs: r.longTasks.length ? Math.round(Math.max(...r.longTasks)) : 0,
      scrolledPx: Math.round(r.scrolledPx),
      gridHeightPx: Math.round(loaded),
      cardsInDom: r.cardsInDom,
    };
    console.log(JSON.stringify(out));
  }
  await page.getByRole('group', { name: 'Grid density' }).getByRole('button', { name: 'Comfortable' }).click();
} finally {
  await close();
}
