import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['node:*', 'fs', 'path', 'os', 'crypto', 'http', 'https', 'child_process', 'url', 'util', 'stream'];

/** Runtime boundaries (ARCHITECTURE.md): each pattern names what a folder must never import. */
const boundary = (files, patterns, message) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }],
  },
});

export default tseslint.config(
  { ignores: ['dist/', 'release/', 'node_modules/', 'test-results/', 'playwright-report/', '.data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: reactHooks.configs.recommended.rules,
  },
  // One entry per folder: a later no-restricted-imports entry for the same files would replace an earlier one.
  boundary(['src/shared/**'], [...NODE_BUILTINS, 'electron', 'react', 'react-dom', 'better-sqlite3', 'kysely', '**/office/**', '**/renderer/**', '**/main/**', '**/portal/**', '**/crypto/**'],
    'src/shared is pure: no Node, no DOM framework, no other side.'),
  boundary(['src/renderer/**'], [...NODE_BUILTINS, 'electron', 'better-sqlite3', 'kysely', '**/office/**', '**/main/**', '**/preload/**', '**/devbridge/**', '**/portal/**', '**/crypto/**'],
    'The renderer talks only to the typed API (src/shared/api).'),
  boundary(['src/preload/**'], [...NODE_BUILTINS, '**/office/**', '**/renderer/**', '**/portal/**'], 'The preload only bridges IPC.'),
  // The office and the portal meet only through the sync contract (src/shared/sync); what both run on the server side
  // (migration runner, pdfmake setup) lives in src/server, which imports neither.
  boundary(['src/office/**'], ['electron', '**/renderer/**', '**/main/**', '**/portal/**'],
    'The office core imports neither electron, the renderer nor the portal: shared server code goes to src/server.'),
  boundary(['src/portal/**'], ['electron', '**/renderer/**', '**/main/**', '**/office/**', '**/devbridge/**'],
    'The portal imports nothing from the office: it knows only the sync contract (src/shared/sync) and src/server.'),
  boundary(['src/server/**'], ['electron', '**/renderer/**', '**/main/**', '**/office/**', '**/portal/**', '**/devbridge/**'],
    'src/server is what the office and the portal both need: it imports neither.'),
  boundary(['src/devbridge/**', 'src/crypto/**', 'bench/**', 'scripts/**'], ['electron', '**/renderer/**', '**/main/**'],
    'Only src/main and the preload import electron; the renderer is reached through the API.'),
  // Tests import the pure policies of src/main, never electron itself (it throws under Node).
  boundary(['tests/**'], ['electron'], 'electron cannot load under Node: test the pure policies instead.'),
);
