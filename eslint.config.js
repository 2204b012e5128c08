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

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'data/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', platformSdks],
    },
  },
  { files: ['adapters/**', 'tests/adapters/**', 'tests/e2e/**', 'bench/**'], rules: { 'no-restricted-imports': 'off' } },
);
