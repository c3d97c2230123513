// Exits 1 unless both native addons were built and load: build/Release/catnet_kernels.node (the SIMD
// kernels; reports its instruction set) and build/Release/catnet_jpeg.node (the fast JPEG path).
// `node scripts/check-native.mjs [folder]` checks another build/Release folder (the tests use that).
// .ci/run runs it where it has a C toolchain and the libjpeg headers, so a failed native build fails
// CI instead of quietly skipping the native tests. Users' installs never run it (they fall back).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const release = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'build', 'Release');
const require = createRequire(import.meta.url);

/** Each addon with the functions the app calls first; a load that lacks them counts as broken. */
const ADDONS = {
  catnet_kernels: ['info', 'gemm', 'setIsa'],
  catnet_jpeg: ['decode64', 'decodeFiles64'],
};

const problems = [];
for (const [name, functions] of Object.entries(ADDONS)) {
  const file = join(release, `${name}.node`);
  if (!existsSync(file)) {
    problems.push(`${file} was not built (see the "catnet:" lines of npm ci above)`);
    continue;
  }
  let addon;
  try {
    addon = require(file);
  } catch (error) {
    problems.push(`${file} did not load (${String(error.message).split('\n')[0]})`);
    continue;
  }
  const lacking = functions.filter((f) => typeof addon[f] !== 'function');
  if (lacking.length > 0) problems.push(`${file} lacks ${lacking.join(', ')}`);
  else if (name === 'catnet_kernels') console.log(`catnet: native kernels load (${JSON.stringify(addon.info())})`);
  else console.log(`catnet: ${name}.node loads`);
}
if (problems.length > 0) {
  console.error(`catnet: the native addons are required here (CATNET_REQUIRE_NATIVE=1):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
