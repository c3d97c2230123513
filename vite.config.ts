import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// The renderer is built to dist/renderer with relative asset paths so the same files load from
// file:// in Electron and from the browser-mode server.
export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [svelte()],
  build: { outDir: '../dist/renderer', emptyOutDir: true, target: 'es2022', sourcemap: true },
});
