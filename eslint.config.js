import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'web/dist', '.tmp', 'data', 'server/migrations', 'coverage'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-definitions': ['error', 'type'],
      // Parameterised SQL only (docs/security.md §19): sql.raw builds SQL from strings.
      'no-restricted-properties': [
        'error',
        { object: 'sql', property: 'raw', message: 'Use parameterised sql`` templates.' },
      ],
    },
  },
  {
    files: ['shared/src/**/*.ts'],
    rules: {
      // shared/ is isomorphic: no Node or DOM imports.
      'no-restricted-imports': ['error', { patterns: ['node:*', 'fs', 'path', 'react', 'react-dom'] }],
    },
  },
  {
    files: ['web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
