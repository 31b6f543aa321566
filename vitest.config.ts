import { configDefaults, defineConfig } from 'vitest/config';

/** Judges the AWS calls every other test file recorded, so it runs last (its own group). */
const IAM_TEST = 'test/infra/iam.test.ts';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: the stores and the sandbox processes are shared by files, so keep workers few.
    maxWorkers: 2,
    // The JSON report lets .ci/run print the plain "N passed, M failed" line CI reads.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, IAM_TEST],
          globalSetup: ['test/support/global-setup.ts'],
          // Every answer of a sandbox to `fetch` is checked against contract/openapi.json.
          setupFiles: ['test/support/contract-setup.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      { extends: true, test: { name: 'iam', include: [IAM_TEST], sequence: { groupOrder: 1 } } },
    ],
  },
});
