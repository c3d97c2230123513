// Property: whatever bytes reach the image loader (valid JPEG/PNG/WebP/GIF/TIFF files with random
// mutations, random bytes behind a valid signature, pure noise, special files), the result is a
// 12,288-byte vector or an ImageRejected with a reason, and the decoding process never dies or hangs.
// Decoding runs in a child process (crash harness), so a native crash fails the test with its input.
// CATNET_FUZZ_RUNS raises the number of runs (npm run test:stress).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrashHarness, type HarnessOutcome, isContractOutcome } from '../helpers/crash-harness.js';
import { animatedGif, fromRaw, makeJpeg, makePng, pngChunk, pngClaiming } from '../helpers/make-images.js';
import '../helpers/fuzz-seed.js';

const RUNS = Number(process.env.CATNET_FUZZ_RUNS ?? 150);

/** A mutation of a valid file: byte changes, truncation, insertion, a copied slice, or a header kept over noise. */
const mutation = (length: number) =>
  fc.oneof(
    fc.record({
      kind: fc.constant('flip' as const),
      at: fc.array(fc.tuple(fc.nat({ max: length - 1 }), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 24,
      }),
    }),
    fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat({ max: length - 1 }) }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat({ max: length }),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 512 }),
    }),
    fc.record({
      kind: fc.constant('copy' as const),
      from: fc.nat({ max: length - 1 }),
      to: fc.nat({ max: length - 1 }),
      n: fc.integer({ min: 1, max: 256 }),
    }),
    fc.record({
      kind: fc.constant('noise-after' as const),
      keep: fc.integer({ min: 1, max: Math.min(length, 600) }),
      bytes: fc.uint8Array({ minLength: 0, maxLength: 4096 }),
    }),
  );

type Mutation = typeof mutation extends (n: number) => fc.Arbitrary<infer T> ? T : never;

function mutate(src: Buffer, m: Mutation): Buffer {
  switch (m.kind) {
    case 'flip': {
      const out = Buffer.from(src);
      for (const [at, v] of m.at) out[at] = v;
      return out;
    }
    case 'truncate':
      return src.subarray(0, m.keep);
    case 'insert':
      return Buffer.concat([src.subarray(0, m.at), m.bytes, src.subarray(m.at)]);
    case 'copy': {
      const out = Buffer.from(src);
      src.copy(out, m.to, m.from, Math.min(src.length, m.from + m.n));
      return out;
    }
    case 'noise-after':
      return Buffer.concat([src.subarray(0, m.keep), m.bytes]);
  }
}

describe('image loader against hostile bytes (in a child process)', () => {
  let harness: CrashHarness;
  const seeds: Record<string, Buffer> = {};
  const tally: Record<string, number> = {};
  const count = (label: string, o: HarnessOutcome) => {
    const key = `${label}: ${o.outcome}${o.outcome === 'rejected' ? ` (${o.reason})` : ''}`;
    tally[key] = (tally[key] ?? 0) + 1;
  };

  beforeAll(async () => {
    harness = await CrashHarness.start();
    seeds.jpeg = await makeJpeg(70, 50, 1);
    seeds.progressiveJpeg = await fromRaw(40, 64, 2).jpeg({ progressive: true }).toBuffer();
    seeds.png = await makePng(48, 40, 3, 4);
    seeds.webp = await fromRaw(64, 64, 4).webp({ quality: 80 }).toBuffer();
    seeds.gif = (await animatedGif(32, 24, 3)).gif;
    seeds.tiff = await fromRaw(30, 20, 5).tiff({ compression: 'lzw' }).toBuffer();
  });

  afterAll(async () => {
    await harness?.stop();
    console.info(`image fuzz outcomes (${RUNS} runs per property):\n  ${Object.entries(tally).sort().join('\n  ')}`);
  });

  it('the harness itself reports a crash and a hang as outcomes, and recovers', async () => {
    expect((await harness.run({ kind: 'crash' })).outcome).toBe('crashed');
    expect((await harness.run({ kind: 'hang' }, 1000)).outcome).toBe('hung');
    const ok = await harness.run({ kind: 'image', bytes: seeds.png! });
    expect(ok).toMatchObject({ outcome: 'accepted', detail: '12288 bytes' });
    expect(isContractOutcome({ outcome: 'crashed', code: null, signal: 'SIGSEGV', stderr: '' })).toBe(false);
  });

  for (const format of ['jpeg', 'progressiveJpeg', 'png', 'webp', 'gif', 'tiff']) {
    it(`mutated ${format} files: a vector or a reason, never a crash`, async () => {
      const src = seeds[format]!;
      expect(await harness.run({ kind: 'image', bytes: src })).toMatchObject({ outcome: 'accepted' });
      await fc.assert(
        fc.asyncProperty(mutation(src.length), async (m) => {
          const o = await harness.run({ kind: 'image', bytes: mutate(src, m) });
          count(format, o);
          if (!isContractOutcome(o)) throw new Error(`${format} ${m.kind}: ${JSON.stringify(o)}`);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('a folder of mutated files of every format: each file imported or skipped with a reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'catnet-fuzzdir-'));
    try {
      const formats = Object.keys(seeds);
      const files = fc.sample(
        fc
          .tuple(fc.constantFrom(...formats), fc.nat())
          .chain(([f, n]) => mutation(seeds[f]!.length).map((m) => ({ f, n, m }))),
        { numRuns: Math.min(RUNS, 200), seed: 7 },
      );
      for (const [i, { f, m }] of files.entries())
        writeFileSync(join(dir, `file-${i}.${f === 'progressiveJpeg' ? 'jpg' : f}`), mutate(seeds[f]!, m));
      const o = await harness.run({ kind: 'import-folder', path: dir }, 120_000);
      count('folder import', o);
      expect(o, JSON.stringify(o)).toMatchObject({ outcome: 'accepted', files: files.length });
      console.info(`fuzzed folder: ${(o as { detail: string }).detail}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('random bytes, alone or behind each format signature: rejected with a reason', async () => {
    const signatures = [
      [],
      [0xff, 0xd8, 0xff],
      [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
      [...Buffer.from('GIF89a')],
      [...Buffer.from('RIFF\0\0\0\0WEBPVP8 ')],
      [0x49, 0x49, 0x2a, 0x00],
      [...Buffer.from('\0\0\0\x1cftypavif')],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...signatures),
        fc.uint8Array({ minLength: 0, maxLength: 8192 }),
        async (sig, noise) => {
          const o = await harness.run({ kind: 'image', bytes: Buffer.concat([Buffer.from(sig), noise]) });
          count('random', o);
          if (!isContractOutcome(o)) throw new Error(`random after [${sig}]: ${JSON.stringify(o)}`);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('decompression bombs and huge claimed sizes are refused, not decoded', async () => {
    for (const [w, h] of [
      [100_000, 100_000],
      [2 ** 31 - 1, 1],
      [65_535, 65_535],
    ]) {
      const o = await harness.run({ kind: 'image', bytes: pngClaiming(w!, h!) });
      count('bomb', o);
      expect(o.outcome, JSON.stringify(o)).toBe('rejected');
    }
  });

  it('metadata bombs (zTXt and iCCP chunks inflating to 64 MB) do not stop the decoder', async () => {
    const z = deflateSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    const base = seeds.png!;
    const afterIhdr = 8 + 25;
    for (const extra of [
      pngChunk('zTXt', Buffer.concat([Buffer.from('Comment\0\0'), z])),
      pngChunk('iCCP', Buffer.concat([Buffer.from('icc\0\0'), z])),
    ]) {
      const png = Buffer.concat([base.subarray(0, afterIhdr), extra, base.subarray(afterIhdr)]);
      const o = await harness.run({ kind: 'image', bytes: png });
      count('metadata bomb', o);
      expect(isContractOutcome(o), JSON.stringify(o)).toBe(true);
    }
  });

  it.skipIf(process.platform === 'win32')(
    'special files: a FIFO, /dev/zero, a directory, a dangling link',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'catnet-special-'));
      try {
        execFileSync('mkfifo', [join(dir, 'fifo.jpg')]);
        symlinkSync('/dev/zero', join(dir, 'zero.png'));
        symlinkSync(join(dir, 'missing.png'), join(dir, 'dangling.png'));
        writeFileSync(join(dir, 'empty.gif'), '');
        const expected: Record<string, string> = {
          'fifo.jpg': 'not-a-file',
          'zero.png': 'not-a-file',
          'dangling.png': 'vanished',
          'empty.gif': 'empty',
          '.': 'not-a-file',
        };
        for (const [name, reason] of Object.entries(expected)) {
          const o = await harness.run({ kind: 'image-file', path: join(dir, name) }, 10_000);
          count('special', o);
          expect(o, name).toMatchObject({ outcome: 'rejected', reason });
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
