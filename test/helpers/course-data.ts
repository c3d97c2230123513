// The course's cat / non-cat images for tests, decoded with sharp to raw RGB bytes in the order of
// train.csv / test.csv (the course's h5 order). Never copied into the repository: read in place.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

/** ../shared/datasets/catvnoncat next to the repository, or $CATNET_COURSE_DATA. */
export const COURSE_DATA_DIR =
  process.env.CATNET_COURSE_DATA ?? fileURLToPath(new URL('../../../shared/datasets/catvnoncat', import.meta.url));

export interface CourseSplit {
  /** (m, 12288) row-major bytes, HWC per row. */
  X: Uint8Array;
  /** (m) 1 = cat. */
  Y: Uint8Array;
  m: number;
}

/** Why the course data cannot be used here, or null when it can. */
export function courseDataMissing(): string | null {
  for (const f of ['train.csv', 'test.csv'])
    if (!existsSync(join(COURSE_DATA_DIR, f))) return `course data not found (${join(COURSE_DATA_DIR, f)} is missing)`;
  return null;
}

export async function loadCourseSplit(which: 'train' | 'test'): Promise<CourseSplit> {
  const rows = readFileSync(join(COURSE_DATA_DIR, `${which}.csv`), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));
  const m = rows.length;
  const X = new Uint8Array(m * 12288);
  const Y = new Uint8Array(m);
  await Promise.all(
    rows.map(async ([file, label], i) => {
      const { data, info } = await sharp(join(COURSE_DATA_DIR, file))
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      if (info.width !== 64 || info.height !== 64 || info.channels !== 3) throw new Error(`${file}: not 64x64 RGB`);
      X.set(data, i * 12288);
      Y[i] = label === 'cat' ? 1 : 0;
    }),
  );
  return { X, Y, m };
}
