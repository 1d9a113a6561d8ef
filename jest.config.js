/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // Spacelift's own CLI runs in its own suite (npm run test:compat): it needs spacectl built.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/compat/'],
  // Every integration file starts its own Temporal dev server; two at a time fit two cores.
  maxWorkers: 2,
  testTimeout: 120_000,
  reporters: ['default', '<rootDir>/test/support/summaryReporter.js'],
};
