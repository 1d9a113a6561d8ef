import { builtinModules } from 'node:module';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// Workflow code is replayed and must be deterministic: no Node built-ins, no I/O.
const nodeBuiltins = builtinModules.flatMap((name) => [name, `node:${name}`]);
const deterministic = nodeBuiltins.map((name) => ({
  name,
  message: 'workflow code must be deterministic: do this in an activity',
}));

// Each noun owns its tables (ARCHITECTURE.md, "Nouns"): only its own folder imports them, as
// `./tables`; other nouns go through its service or store. Tables may name each other's
// columns in foreign keys.
const nouns = [
  'auth',
  'contexts',
  'gitlab',
  'policy',
  'runs',
  'slack',
  'stacks',
  'state',
  'workerPools',
];
// Within a noun, one module holds all of its SQL: its store.
const sqlInStore = {
  regex: '^\\.{1,2}/tables$',
  message: "a noun's SQL lives in its store.ts: add a function there and call it",
};
const ownedTables = {
  group: nouns.map((noun) => `**/${noun}/tables`),
  message:
    "a noun's tables are its own: use its service or store (src/<noun>/service.ts, store.ts)",
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.tools/',
      '.data/',
      'coverage/',
      'dist/',
      'src/db/migrations/',
      'src/api/graphql/types.generated.ts',
      'src/console/web/api/schema.generated.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts', 'activities/**/*.ts', 'temporal/**/*.ts'],
    ignores: ['src/*/tables.ts', 'src/*/store.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [ownedTables, sqlInStore] }] },
  },
  {
    // The store may use its own tables, but not another noun's.
    files: ['src/*/store.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [ownedTables] }] },
  },
  {
    // The run's state machine and contract are bundled with the workflows.
    files: [
      'workflows/**/*.ts',
      'src/runs/machine.ts',
      'src/runs/contract.ts',
      'src/runs/events.ts',
      'src/runs/types.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: deterministic, patterns: [ownedTables, sqlInStore] },
      ],
    },
  },
  {
    // The web console: React's rules of hooks, and what its compiler needs to hold.
    files: ['src/console/web/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat['recommended-latest']],
    rules: {
      // React Router's loaders throw redirect() and data() Responses by design.
      '@typescript-eslint/only-throw-error': [
        'error',
        { allow: [{ from: 'lib', name: 'Response' }] },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        setTimeout: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
