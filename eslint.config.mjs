import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', '.cache/**', '.artifacts/**', 'suites/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // The webview script runs in a browser; the UI tests evaluate code in the workbench page.
    files: ['media/**/*.ts', 'suites/e2e/**/*.mjs'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // The extension host logs through one LogOutputChannel, never the console.
    files: ['src/**/*.ts'],
    ignores: ['src/cli.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // The core runs under plain Node: no runtime vscode import there.
    files: ['src/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'vscode', message: 'core/ must not import vscode at runtime', allowTypeImports: true },
          ],
        },
      ],
    },
  },
);
