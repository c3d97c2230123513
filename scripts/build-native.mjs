// `npm install` hook: builds the native kernels addon (binding.gyp) with node-gyp. Never fails the
// install: without a compiler the TypeScript reference kernels run and the app says so.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'binding.gyp')) || process.env.CATNET_SKIP_NATIVE === '1') process.exit(0);

// Prefer npm's own node-gyp (set by npm while running scripts), else the one installed beside npm.
let gyp = process.env.npm_config_node_gyp;
if (!gyp || !existsSync(gyp)) {
  try {
    gyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    const npmDir = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules');
    gyp = join(npmDir, 'node-gyp', 'bin', 'node-gyp.js');
  }
}
// Node-API headers: use the running Node's own (include/node beside the executable) so the build
// works offline; without them node-gyp downloads headers for this Node version.
const args = [gyp, 'rebuild', '--release', '--jobs=max'];
const prefix = join(dirname(process.execPath), '..');
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) {
  args.push(`--nodedir=${prefix}`);
}
const started = Date.now();
const gypRun = (env) => spawnSync(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
let run = gypRun(process.env);
let jpegNote = '';
if (run.status !== 0 && process.env.CATNET_SKIP_JPEG !== '1') {
  // The fast JPEG addon links the system's libjpeg: if anything about it breaks the build, build the
  // kernels without it (JPEGs are then decoded by sharp) rather than lose both.
  const first = `${run.stdout ?? ''}${run.stderr ?? ''}`
    .split('\n')
    .filter((l) => /error/i.test(l) && !l.startsWith('gyp'))
    .slice(0, 6)
    .join('\n');
  run = gypRun({ ...process.env, CATNET_SKIP_JPEG: '1' });
  if (run.status === 0) jpegNote = ` without the fast JPEG path (its build failed:\n${first}\n)`;
}
if (run.status === 0) {
  console.error(`catnet: built the native kernels${jpegNote} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} else {
  const tail = `${run.stdout ?? ''}${run.stderr ?? ''}`.split('\n').slice(-15).join('\n');
  console.error(
    `catnet: could not build the native kernels (${run.error?.message ?? `node-gyp exited ${run.status}`}).\n` +
      `${tail}\ncatnet will use the slower TypeScript kernels. Install a C compiler, make and python3, then run \`npm rebuild catnet\` or \`node scripts/build-native.mjs\`.`,
  );
}
