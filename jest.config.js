/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } }],
  },
  // Never write snapshots in CI; `npm run test:update` does it on purpose.
  ci: true,
  testTimeout: 30000,
  coveragePathIgnorePatterns: ['/node_modules/', '/constructs/imports/'],
};
