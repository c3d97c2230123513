// Imported by the property tests: the default suite fuzzes with a fixed seed (the same cases every
// run, so `npm test` is stable), `npm run test:stress` with a new seed each run (CATNET_FUZZ_SEED,
// set by vitest.stress.config.ts). fast-check prints the seed of any failure, so it can be replayed:
// CATNET_FUZZ_SEED=<seed> npx vitest run <file>.

import fc from 'fast-check';

export const FUZZ_SEED = Number(process.env.CATNET_FUZZ_SEED ?? 20261124);
fc.configureGlobal({ seed: FUZZ_SEED });
