const base = require('./jest.config');

/** The compatibility suite: Spacelift's own clients (spacectl, the Terraform provider), unmodified, against Gantry. */
/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/compat/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 5 * 60_000,
};
