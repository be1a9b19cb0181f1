/** Jest projects: unit (mocked SDK), integration (emulator + real databases), infra (CDK). */
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testTimeout: 60_000,
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
    },
    { ...common, displayName: 'infra', testTimeout: 120_000, testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
  ],
};
