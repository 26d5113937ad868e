// Lint: the house rules that keep the layering and the async code honest. Layering is written
// as import restrictions per folder, so a renderer file reaching into the engine is an error here,
// not a review comment. See CONTRIBUTING.md for the rules in prose.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const ENGINE_OUTSIDE_CONTRACT = {
  group: ['**/lab/**', '!**/lab/api/contract', '!**/lab/api/contract.js'],
  message: 'the renderer reaches the engine only through lab/api/contract (import type).',
};
const CONTRACT_TYPES_ONLY = {
  group: ['**/lab/api/contract', '**/lab/api/contract.js'],
  allowTypeImports: true,
  message: 'the renderer imports the contract with `import type` only (no engine code in the browser).',
};
const NODE_BUILTINS = {
  group: ['node:*'],
  message: 'the renderer runs in a browser: no Node built-ins.',
};
const NO_HOSTS_FROM_ENGINE = {
  group: ['**/electron/**', '**/renderer/**', 'electron'],
  message: 'lab/ is the engine: it never imports a host (electron/) or the UI (renderer/).',
};
const NO_CLI_FROM_ENGINE = {
  group: ['**/cli/**', '../cli', './cli'],
  message: 'lab/cli is a host of the engine: nothing else in lab/ imports it.',
};

// A swallowed rejection must say why it is safe to ignore: `.catch(() => {})` hides failures.
const SILENT_CATCH = [
  {
    selector:
      "CallExpression[callee.property.name='catch'] > ArrowFunctionExpression[body.type='BlockStatement'][body.body.length=0]",
    message: 'an empty .catch() hides failures: handle it, or say why it is safe with ignoreRejection(reason).',
  },
  {
    selector:
      "CallExpression[callee.property.name='catch'] > ArrowFunctionExpression[body.type='Identifier'][body.name='undefined']",
    message: '.catch(() => undefined) hides failures: handle it, or say why it is safe with ignoreRejection(reason).',
  },
];
// no-restricted-imports does not see import(): the same layering for dynamic imports.
const DYNAMIC_UPWARD = [
  {
    selector: 'ImportExpression[source.value=/(^|\\/)(electron|renderer)(\\/|$)/]',
    message: 'lab/ is the engine: it never imports a host (electron/) or the UI (renderer/), not even lazily.',
  },
];
const DYNAMIC_CLI = [
  {
    selector: 'ImportExpression[source.value=/(^|\\/)cli\\//]',
    message: 'lab/cli is a host of the engine: nothing else in lab/ imports it.',
  },
];

export default tseslint.config(
  {
    ignores: ['node_modules/', 'out/', 'dist/', 'test-output/', 'test/fixtures/**', '**/*.js', 'bin/*.d.ts', '!*.mjs'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      // A swallowed rejection must say why it is safe to ignore: `.catch(() => {})` hides failures.
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[callee.property.name='catch'] > ArrowFunctionExpression[body.type='BlockStatement'][body.body.length=0]",
          message:
            'an empty .catch() hides failures: handle it, log it, or comment why it is safe (ignoreRejection(reason)).',
        },
      ],
      'no-empty': ['error', { allowEmptyCatch: true }],
      // Matching control characters is deliberate here: log and report sanitising.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['lab/**/*.ts', 'electron/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts', '*.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['lab/**/*.ts'],
    ignores: ['lab/cli/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [NO_HOSTS_FROM_ENGINE, NO_CLI_FROM_ENGINE] }],
      'no-restricted-syntax': ['error', ...SILENT_CATCH, ...DYNAMIC_UPWARD, ...DYNAMIC_CLI],
    },
  },
  {
    files: ['lab/cli/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [NO_HOSTS_FROM_ENGINE] }],
      'no-restricted-syntax': ['error', ...SILENT_CATCH, ...DYNAMIC_UPWARD],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [ENGINE_OUTSIDE_CONTRACT, CONTRACT_TYPES_ONLY, NODE_BUILTINS] },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'the renderer runs in a browser: no process.' },
        { name: 'Buffer', message: 'the renderer runs in a browser: no Buffer.' },
      ],
    },
  },
  {
    // Tests may leave a rejection unobserved on purpose (they assert on it later) and use any in fixtures.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      'no-restricted-syntax': 'off',
    },
  },
  {
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { ...globals.node } },
  },
  prettier,
);
