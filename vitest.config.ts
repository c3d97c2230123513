import { defineConfig } from 'vitest/config';

// Tests run against the sources; entry points that must be files (worker, CLI, web server) come from
// dist/, which `npm test` builds first (and test/helpers/global-setup.ts rebuilds when run alone).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
