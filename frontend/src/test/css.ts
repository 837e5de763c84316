/**
 * The app's stylesheet as declarations per selector, for tests of layout rules that
 * jsdom cannot lay out (it computes no sizes).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

// Read from disk (Vitest runs in frontend/): with `css: false`, `styles.css?raw` is empty.
const css = readFileSync(resolve('src/styles.css'), 'utf8');

/** The declarations of the rule whose selector list is exactly `selector`; later rules win. */
export function cssRule(selector: string): Record<string, string> {
  const out: Record<string, string> = {};
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '');
  const rule = /([^{}]+)\{([^{}]*)\}/g;
  for (let m = rule.exec(text); m; m = rule.exec(text)) {
    const selectors = m[1].split(',').map((s) => s.trim());
    if (!selectors.includes(selector)) continue;
    for (const decl of m[2].split(';')) {
      const at = decl.indexOf(':');
      if (at > 0) out[decl.slice(0, at).trim()] = decl.slice(at + 1).trim();
    }
  }
  return out;
}

/** A length in px from a declaration: "17px", or var(--x) / calc(N * var(--x)) over the rule's own custom properties. */
export function pxOf(value: string, rule: Record<string, string>): number {
  const v = value.trim();
  const px = /^(-?\d+(?:\.\d+)?)px$/.exec(v);
  if (px) return Number(px[1]);
  const ref = /^var\((--[\w-]+)\)$/.exec(v);
  if (ref && rule[ref[1]]) return pxOf(rule[ref[1]], rule);
  const times = /^calc\((\d+(?:\.\d+)?)\s*\*\s*(var\(--[\w-]+\)|\d+(?:\.\d+)?px)\)$/.exec(v);
  if (times) return Number(times[1]) * pxOf(times[2], rule);
  throw new Error(`not a length this helper understands: ${value}`);
}
