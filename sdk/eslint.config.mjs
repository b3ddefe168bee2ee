// The SDK's lint rules (`make sdk-unit` runs `eslint .` here): ESLint's
// recommended set plus the habits the sources keep.
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['node_modules/'] },
  js.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      eqeqeq: 'error',
      'no-var': 'error',
      'prefer-const': 'error',
      'no-shadow': 'error',
      'no-unused-vars': ['error', { args: 'after-used', caughtErrors: 'none', argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'object-shorthand': 'error',
      'prefer-template': 'error',
    },
  },
  {
    // The SDK runs in browsers; index.js also meets CommonJS and AMD loaders.
    files: ['src/**/*.js'],
    languageOptions: { globals: { ...globals.browser, module: 'readonly', define: 'readonly' } },
  },
  {
    files: ['test/**/*.mjs', '*.mjs'],
    languageOptions: { globals: globals.node },
  },
];
