// The console's build: plain TypeScript pages, bundled by Vite into console/dist, which the ARC
// serves itself (no second server). One entry per page.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: {
      input: {
        operator: here('./index.html'),
        carer: here('./carer.html'),
        // the lone-worker app, served at /app/ (its manifest and service worker are in public/app/)
        app: here('./app/index.html'),
      },
    },
  },
});
