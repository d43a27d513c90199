import { resolve } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { cspForMeta, RENDERER_CSP } from './src-main/ipc/renderer-csp';

const root = import.meta.dirname;

/** Writes the renderer CSP (src-main/app/csp.ts, the one source of truth) into index.html. */
function cspMeta(): Plugin {
  return {
    name: 'softphone-csp-meta',
    transformIndexHtml: {
      order: 'pre',
      handler: (html) => html.replace('%RENDERER_CSP%', cspForMeta(RENDERER_CSP)),
    },
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      rollupOptions: { input: { index: resolve(root, 'src-main/app/main.ts') } },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      // A sandboxed preload can only be CommonJS and can only require 'electron': bundle everything.
      externalizeDeps: { exclude: ['valibot'] },
      rollupOptions: {
        input: { index: resolve(root, 'src-main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    plugins: [vue(), cspMeta()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rollupOptions: { input: { index: resolve(root, 'src-renderer/index.html') } },
    },
  },
});
