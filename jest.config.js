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
  // Jest's default is one worker per core less one: a single worker on a 2-core machine.
  maxWorkers: '100%',
  coveragePathIgnorePatterns: ['/node_modules/', '/constructs/imports/'],
};
