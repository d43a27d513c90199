// @ts-check
import js from '@eslint/js';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['.tmp/**', '.scratch*/**', 'node_modules/**', 'out/**', 'dist/**', 'test-results/**', 'coverage/**', 'test/corpus/**', 'test/vectors/**', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
      // Off on purpose: with noUncheckedIndexedAccess every typed-array read is `number | undefined`;
      // byte-level protocol code (SIP framing, SRTP, RTP, codecs) checks lengths up front and then
      // indexes in hot loops, where `!` is the honest and allocation-free way to say so.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // DESIGN.md rule 1: protocol code is pure - no timers, wall clock or Math.random; a Clock and an Rng come in.
    files: ['src-main/protocol/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'fetch'],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Inject a Clock (DESIGN.md rule 1).' },
        { object: 'Math', property: 'random', message: 'Inject an Rng (DESIGN.md rule 1).' },
        { object: 'performance', property: 'now', message: 'Inject a Clock (DESIGN.md rule 1).' },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,vue}'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
