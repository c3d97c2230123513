// The course's cat / non-cat images for tests, found in ../shared beside the checkout (never copied
// into the repository), and decoded with sharp to raw RGB bytes in the order of train.csv / test.csv
// (the course's h5 order). Every test that reads the course data finds it through this file.
//
// Missing data skips the test with a printed reason, except where the data is required
// (CATNET_REQUIRE_DATA=1, which .ci/run sets when ../shared holds the data, or CI=true): there the test
// runs and fails on the missing file.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

/** The shared data folder: ../shared next to the repository, or $CATNET_SHARED. */
export const SHARED_DIR = process.env.CATNET_SHARED ?? fileURLToPath(new URL('../../../shared', import.meta.url));

/** The course data set: $SHARED_DIR/datasets/catvnoncat, or $CATNET_COURSE_DATA. */
export const COURSE_DATA_DIR = process.env.CATNET_COURSE_DATA ?? join(SHARED_DIR, 'datasets', 'catvnoncat');

/** True where missing course data is a failure rather than a skip. */
export const COURSE_DATA_REQUIRED = process.env.CATNET_REQUIRE_DATA === '1' || process.env.CI === 'true';

export interface CourseSplit {
  /** (m, 12288) row-major bytes, HWC per row. */
  X: Uint8Array;
  /** (m) 1 = cat. */
  Y: Uint8Array;
  m: number;
}

/** The absolute path of `parts` inside the course data set (e.g. `coursePath('test', 'cat')`). */
export function coursePath(...parts: string[]): string {
  return join(COURSE_DATA_DIR, ...parts);
}

/**
 * Why the course data cannot be used here, or null when it can (or when it is required: the test then
 * runs and fails on the missing file). Checks train.csv, test.csv and the four class folders. Prints the
 * reason once per call, prefixed with `what` (the test that skips).
 */
export function courseDataMissing(what = 'course-data test skipped'): string | null {
  const needed = ['train.csv', 'test.csv', 'train/cat', 'train/non-cat', 'test/cat', 'test/non-cat'];
  const absent = needed.map((f) => join(COURSE_DATA_DIR, f)).find((f) => !existsSync(f));
  if (absent === undefined) return null;
  const reason = `course data not found (${absent} is missing; put the data set in ../shared/datasets/catvnoncat or set CATNET_COURSE_DATA)`;
  if (COURSE_DATA_REQUIRED) {
    console.error(`${reason}; the data is required here (CATNET_REQUIRE_DATA=1 or CI=true), so the test fails`);
    return null;
  }
  console.warn(`${what}: ${reason}`);
  return reason;
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
