import { defineConfig } from 'vitest/config';

// The JSON report feeds .ci/run's one-line summary; the default reporter is for people.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', 'json'],
    outputFile: { json: '.ci/test-results.json' },
  },
});
