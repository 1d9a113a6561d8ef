/**
 * The import rules of Gantry's layout, checked by `npm run lint`; ARCHITECTURE.md draws them.
 * Arrows point down: process roles → API and activities → integrations → nouns → platform.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycle',
      severity: 'error',
      comment: 'Folders import each other in one direction only.',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-module-cycle',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'activities-from-above',
      severity: 'error',
      comment: 'Only the composition root (src/main) builds the activities.',
      from: { path: '^(src|temporal|workflows)/', pathNot: '^src/main/' },
      to: { path: '^activities/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'api-from-above',
      severity: 'error',
      comment: 'The HTTP API is a top layer: nothing below it imports it.',
      from: { path: '^(src|activities|temporal|workflows)/', pathNot: '^src/(main|api)/' },
      to: { path: '^src/api/' },
    },
    {
      name: 'workflow-code-stays-in-workflows',
      severity: 'error',
      comment: 'Workflows are started by name (src/runs/contract.ts), never imported.',
      from: { pathNot: '^(workflows|test)/' },
      to: { path: '^workflows/' },
    },
    {
      name: 'temporal-is-infrastructure',
      severity: 'error',
      comment: 'temporal/ (client, worker setup, dev server) knows nothing of Gantry above it.',
      from: { path: '^temporal/' },
      to: { path: '^(src|activities|workflows)/', pathNot: '^src/platform/' },
    },
    {
      name: 'console-web-is-a-browser-app',
      severity: 'error',
      comment:
        'The web console runs in the browser and talks to Gantry over its API alone: it imports no server code.',
      from: { path: '^src/console/web/' },
      to: { path: '^(src|activities|temporal|workflows|bin)/', pathNot: '^src/console/web/' },
    },
    {
      name: 'console-web-is-bundled-not-imported',
      severity: 'error',
      comment: 'The server serves the console as built files (dist/console), never imports it.',
      from: { pathNot: '^src/console/web/' },
      to: { path: '^src/console/web/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|\\.tools|src/db/migrations)/|types\\.generated\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.json'] },
  },
};
