import { defineConfig } from 'vitest/config';

// `npm run test:stress`: the long runs the default suite keeps short. The load test (20,000 images
// through browser mode with the UI open) and the reliability property/fault tests again with more
// runs (CATNET_FUZZ_RUNS, CATNET_KILLS, ...). Must finish within 5 minutes on CI.
export default defineConfig({
  test: {
    include: [
      'test/stress/**/*.stress.ts',
      'test/reliability/image-fuzz.test.ts',
      'test/reliability/onnx-fuzz.test.ts',
      'test/reliability/api-fuzz.test.ts',
      'test/reliability/kernels-property.test.ts',
      'test/reliability/killed-during-save.test.ts',
      'test/reliability/training-faults.test.ts',
    ],
    globalSetup: ['test/helpers/global-setup.ts'],
    env: {
      CATNET_FUZZ_RUNS: '400',
      CATNET_KILLS: '8',
      CATNET_WORKER_CANCELS: '100',
      // A new fuzz seed each stress run (printed by fast-check on failure, for replay).
      CATNET_FUZZ_SEED: process.env.CATNET_FUZZ_SEED ?? String(Date.now() % 2 ** 31),
    },
    testTimeout: 240_000,
    hookTimeout: 240_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
