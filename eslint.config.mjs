import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/** The module boundaries (docs/architecture.md): each module is entered only through its index. */
const MODULES = ['auth', 'email', 'admin', 'ip-rules', 'hosted-ui'];
const moduleBoundary = (name) => ({
  files: [`src/modules/${name}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `^(\\.\\./)+(${MODULES.filter((m) => m !== name).join('|')})/`,
            message: 'Another module is used only through its index (import from the module folder).',
          },
          {
            regex: '^(\\.\\./)+(store|composition-root|app|redis-features)(/|$)',
            message: 'A module never reaches into the composition: it receives what it needs.',
          },
        ],
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', 'data/**', 'email-preview/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  ...MODULES.map(moduleBoundary),
  {
    files: ['src/platform/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(modules|store|composition-root|app|redis-features)(/|$)',
              message: 'The platform serves every module and imports none.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/modules/**/*.service.ts', 'src/modules/**/*.use-case.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)(repositories|sql|mongo|redis)(/|$)',
              message: 'Services depend on ports, never on a repository, driver or client.',
            },
            {
              regex: '^(pg|mongoose|redis|ioredis|bullmq|express|@electric-sql/.*)$',
              message: 'No driver in a service.',
            },
          ],
        },
      ],
    },
  },
  {
    // The hosted page's scripts run in the browser as ES modules, served as written.
    files: ['src/modules/hosted-ui/public/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        ['document', 'location', 'fetch', 'Intl', 'URL'].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    files: ['tests/**/*.ts', 'scripts/**/*.ts', 'scripts/**/*.mjs'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
);
