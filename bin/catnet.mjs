#!/usr/bin/env node
// catnet's command line: the built CLI lives in dist/ (esbuild bundle of src-core/cli.ts).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/core/cli.mjs', import.meta.url));
if (!existsSync(cli)) {
  console.error(`catnet: ${cli} is missing; run \`npm run build\` first.`);
  process.exit(1);
}
await import(cli);
