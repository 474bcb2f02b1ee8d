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
    // SQL lives in a domain's *.queries.ts (and *.store.ts for versioned writes): services, routes,
    // presenters and policies call those, and never build a query themselves (issue 7 item 2).
    files: ['server/src/**/*.{service,routes,presenter,policy}.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'drizzle-orm',
              allowTypeImports: true,
              message: 'Build SQL in the domain’s *.queries.ts and call it from here.',
            },
          ],
          patterns: [
            {
              group: ['**/platform/db/tables.js'],
              allowTypeImports: true,
              message: 'Tables are for *.queries.ts and *.store.ts; call a query from here.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
