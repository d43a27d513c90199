import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

const r = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  plugins: [vue()],
  resolve: {
    // The Electron binary cannot be fetched here and must never be loaded by Node-run code:
    // any import of 'electron' in a test resolves to an inert fake unless the test vi.mock()s it.
    alias: { electron: r('./test/fakes/electron-module.ts') },
  },
  test: {
    include: [
      'src-main/**/*.test.ts',
      'src-shared/**/*.test.ts',
      'src-renderer/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', r('./test/support/summary-reporter.ts')],
  },
});
