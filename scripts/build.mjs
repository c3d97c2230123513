// Builds everything that runs from dist/: the Node/Electron entry points with esbuild (one ESM file
// each, dependencies left external) and the Svelte renderer with Vite. Entries that do not exist yet
// are skipped, so the build works while the tree grows. Fast: run before every test and start.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

/** [source, output, format] */
const entries = [
  ['src-main/main.ts', 'dist/main/main.mjs', 'esm'],
  ['src-main/preload.ts', 'dist/main/preload.cjs', 'cjs'],
  ['src-main/web.ts', 'dist/main/web.mjs', 'esm'],
  ['src-core/train/worker.ts', 'dist/core/worker.mjs', 'esm'],
  ['src-core/data/decode-child.ts', 'dist/core/decode-child.mjs', 'esm'],
  ['src-core/cli.ts', 'dist/core/cli.mjs', 'esm'],
  ['bench/bench.ts', 'dist/bench/bench.mjs', 'esm'],
];

const started = Date.now();
await Promise.all(
  entries
    .filter(([src]) => existsSync(src))
    .map(([src, out, format]) =>
      esbuild.build({
        entryPoints: [src],
        outfile: out,
        bundle: true,
        platform: 'node',
        target: 'node20',
        format,
        // A sandboxed preload (the only cjs entry) can require nothing but 'electron': bundle its deps.
        packages: format === 'cjs' ? undefined : 'external',
        external: ['electron'],
        sourcemap: 'linked',
        logLevel: 'warning',
      }),
    ),
);

if (existsSync('src-renderer/index.html') && !process.argv.includes('--no-renderer')) {
  const { build } = await import('vite');
  await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
}
if (!process.env.CATNET_QUIET_BUILD) console.error(`catnet: built dist/ in ${Date.now() - started} ms`);
