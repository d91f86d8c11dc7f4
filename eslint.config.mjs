// Lint rules, including the import boundaries the design depends on:
// main/core and renderer/ never import electron; renderer/ never imports Node built-ins;
// renderer/ and preload/ reach into main/ only through main/core/common/, and that folder
// imports nothing outside itself (so nothing Node-only can arrive transitively).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import { builtinModules } from 'node:module';

const electronBan = {
  name: 'electron',
  message:
    'Only main/ adapters and preload/ may import electron; pass Electron objects in through an interface.',
};
const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_'));
const nodeBuiltinBan = (message) => ({
  paths: nodeBuiltins.map((name) => ({ name, message })),
  patterns: [{ group: ['node:*'], message }],
});
const rendererNoNode = nodeBuiltinBan('The renderer runs in a sandboxed page: no Node built-ins.');
const commonNoNode = nodeBuiltinBan(
  'main/core/common/ is shared with the window: no Node built-ins.',
);
/** What the window may share with main: main/core/common/ and nothing else of main/. */
const windowSideOfMain = {
  regex: '^(\\.\\./)+main/(?!core/common/)',
  message:
    'The window and the preload share only main/core/common/ with main (see its README); move what they need there.',
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'release/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'test/fixtures/lint/**',
      // mutation testing: its reports and the sandbox copies of the project it tests in
      'reports/**',
      '.stryker-tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: [
      'main/core/**/*.ts',
      'main/app/**/*.ts',
      'main/server/**/*.ts',
      'main/cli/**/*.ts',
      'main/preview/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan],
          patterns: [{ group: ['electron/*'], message: electronBan.message }],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan, ...rendererNoNode.paths],
          patterns: [
            ...rendererNoNode.patterns,
            { group: ['electron/*'], message: electronBan.message },
            windowSideOfMain,
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: 'Render server data as text.' },
        { property: 'outerHTML', message: 'Render server data as text.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
          message: 'Render server data as text.',
        },
      ],
    },
  },
  {
    files: ['preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [windowSideOfMain] }],
    },
  },
  {
    files: ['main/core/common/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan, ...commonNoNode.paths],
          patterns: [
            ...commonNoNode.patterns,
            {
              regex: '^\\.\\./',
              message:
                'main/core/common/ imports only from itself, so the window gets nothing else of main/ through it.',
            },
          ],
        },
      ],
    },
  },
  prettier,
);
