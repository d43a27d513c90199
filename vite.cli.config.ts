import { resolve } from 'node:path';
import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';
import pkg from './package.json';

const root = import.meta.dirname;
const external = [
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  ...Object.keys(pkg.dependencies),
  'electron',
];

/**
 * The headless `softphone` command (package.json `bin`): an ESM bundle of src-main/cli run by
 * plain Node, with npm dependencies left external (they are installed next to it).
 */
export default defineConfig({
  build: {
    outDir: resolve(root, 'out/cli'),
    emptyOutDir: true,
    target: 'node20',
    ssr: true,
    minify: false,
    sourcemap: true,
    rollupOptions: {
      input: { softphone: resolve(root, 'src-main/cli/softphone.ts') },
      external: (id) => external.some((e) => id === e || id.startsWith(`${e}/`)),
      output: { format: 'es', entryFileNames: '[name].js', banner: '#!/usr/bin/env node' },
    },
  },
});
