import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { layersPlugin } from './eslint/layers.js';

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
    // Who may import whom (docs/ARCHITECTURE.md): shared/ isomorphic, web/ without server code,
    // platform/ below the domains, a domain into another only through its public surface.
    files: ['shared/src/**/*.{ts,tsx}', 'web/src/**/*.{ts,tsx}', 'server/src/**/*.ts'],
    plugins: { layers: layersPlugin },
    rules: {
      'layers/boundaries': [
        'error',
        // Domains that serve every other: their service is their public surface (issue 7 item 3).
        {
          serviceSurfaces: {
            audit: ['audit.service', 'refusals'],
            notifications: ['notifications.service', 'mailer', 'notification-kinds'],
          },
        },
      ],
    },
  },
  {
    files: ['web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
