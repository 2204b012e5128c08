import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const platformSdks = {
  paths: [
    { name: '@slack/bolt', message: 'Only adapters/slack may import the Slack SDK; the core speaks neutral Commands and Views.' },
    { name: '@slack/web-api', message: 'Only adapters/slack may import the Slack SDK.' },
    { name: '@slack/socket-mode', message: 'Only adapters/slack may import the Slack SDK.' },
    { name: 'botbuilder', message: 'Only adapters/teams may import botbuilder (archived upstream; a swap must touch one folder).' },
    { name: 'botframework-connector', message: 'Only adapters/teams may import the Bot Framework SDK.' },
  ],
  patterns: [{ group: ['@slack/*', 'botbuilder*', 'botframework-*'], message: 'Platform SDKs belong in adapters/<platform>/ only.' }],
};

const database = {
  paths: [{ name: 'kysely', message: 'Only src/store may use Kysely: everything else goes through the Store port (its repositories and writeTransaction).' }],
  patterns: [{ group: ['kysely/*'], message: 'Only src/store may use Kysely.' }],
};

/** Both fences in one rule option (flat config replaces a rule's options per file, it does not merge them). */
const fences = (...sets) => ({ paths: sets.flatMap((s) => s.paths), patterns: sets.flatMap((s) => s.patterns) });

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'data/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', fences(platformSdks, database)],
    },
  },
  { files: ['adapters/**', 'tests/adapters/**', 'tests/e2e/**', 'bench/**'], rules: { 'no-restricted-imports': ['error', database] } },
  { files: ['src/store/**'], rules: { 'no-restricted-imports': ['error', platformSdks] } },
  // The web view's one script runs in the browser.
  { files: ['src/web/assets/**/*.js'], languageOptions: { globals: { ...globals.browser }, sourceType: 'script' } },
);
