import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

const outDir = fileURLToPath(new URL('./dist', import.meta.url));
const PLACEHOLDER = '.placeholder';

/**
 * frontend/dist/.placeholder is committed so that `//go:embed all:frontend/dist`
 * compiles on a fresh clone. Vite's own emptyOutDir would delete it (and leave the
 * work tree dirty), so we empty dist ourselves and keep the placeholder.
 */
function keepDistPlaceholder(): Plugin {
  return {
    name: 'billie:keep-dist-placeholder',
    apply: 'build',
    buildStart() {
      mkdirSync(outDir, { recursive: true });
      for (const entry of readdirSync(outDir)) {
        if (entry !== PLACEHOLDER) rmSync(join(outDir, entry), { recursive: true, force: true });
      }
    },
  };
}

export default defineConfig({
  plugins: [react(), keepDistPlaceholder()],
  build: {
    outDir,
    emptyOutDir: false,
  },
  server: {
    port: 5173,
    strictPort: true,
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    // The machine running the suite is shared; the tests wait on events, not time.
    testTimeout: 20_000,
  },
});
