// Two projects: unit specs beside the code (no services: `npm run test:unit` starts nothing), and
// e2e specs in test/ against real MongoDB-compatible storage and Redis, started once by the e2e
// project's global setup (Jest runs a project's global setup only when one of its tests runs).
const nestCli = require('./nest-cli.json');

const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];

// `nest build` runs the @nestjs/swagger CLI plugin (options in nest-cli.json) on DTO, docs and
// controller files; e2e tests serve the OpenAPI document, so those files are compiled with the
// same plugin and the same options here (test/support/swagger-plugin.transformer.js).
const swaggerPlugin = nestCli.compilerOptions.plugins.find(
  (plugin) => plugin.name === '@nestjs/swagger',
);
const swaggerPluginFiles = [
  ...swaggerPlugin.options.dtoFileNameSuffix,
  ...swaggerPlugin.options.controllerFileNameSuffix,
].map((suffix) => suffix.replace(/\./g, '\\.'));

module.exports = {
  maxWorkers: 2,
  testTimeout: 30000,
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
      testEnvironment: 'node',
    },
    {
      displayName: 'e2e',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.js',
      globalTeardown: '<rootDir>/test/support/global-teardown.js',
      // The first pattern that matches a file wins.
      transform: {
        [`(${swaggerPluginFiles.join('|')})$`]: [
          '<rootDir>/test/support/swagger-plugin.transformer.js',
          swaggerPlugin.options,
        ],
        '^.+\\.ts$': tsJest,
      },
      testEnvironment: 'node',
    },
  ],
};
