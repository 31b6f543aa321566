import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The dashboard: static files in dashboard/dist, served by the sandbox at / and on AWS from S3
 * behind CloudFront; both route /api/* to the API on the same origin. No CDN, no web fonts.
 * Build: `vite build --config dashboard/vite.config.ts`. Dev: `vite --config dashboard/vite.config.ts`
 * proxies /api to a sandbox running on http://localhost:8080.
 */
export default defineConfig(({ command }) => ({
  root,
  base: '/',
  // A build is the production bundle even when started under NODE_ENV=test (the sandbox builds it
  // when vitest launches it); oxc would otherwise emit the JSX dev transform with file names.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact', development: command !== 'build' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: {
    port: 5173,
    // The domain helpers (status words, durations) are shared with the API, one folder up.
    fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] },
    proxy: { '/api': 'http://localhost:8080' },
  },
}));
