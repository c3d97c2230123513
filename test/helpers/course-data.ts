// The course's cat / non-cat images for tests, found in ../shared beside the checkout (never copied
// into the repository), and decoded with sharp to raw RGB bytes in the order of train.csv / test.csv
// (the course's h5 order). Every test that reads shared data (the course's, the pets photos) finds it here.
//
// Missing data skips the test with a printed reason, except where the data is required
// (CATNET_REQUIRE_DATA=1, which .ci/run sets when ../shared/datasets exists, or CI=true): there the test
// runs and fails on the missing file.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

/** The shared data folder: ../shared next to the repository, or $CATNET_SHARED. */
export const SHARED_DIR = process.env.CATNET_SHARED ?? fileURLToPath(new URL('../../../shared', import.meta.url));

/** The course data set: $SHARED_DIR/datasets/catvnoncat, or $CATNET_COURSE_DATA. */
export const COURSE_DATA_DIR = process.env.CATNET_COURSE_DATA ?? join(SHARED_DIR, 'datasets', 'catvnoncat');

/** True where missing shared data (course, pets) is a failure rather than a skip. */
export const COURSE_DATA_REQUIRED = process.env.CATNET_REQUIRE_DATA === '1' || process.env.CI === 'true';

/**
 * The course's costs every 100 iterations, recomputed in NumPy float64 from the course's own code
 * (np.random.seed(1) initialisation, train.csv order) and printed to 10 decimals; they agree with the
 * 6 decimals the course prints. Logistic regression: all 2000 iterations. The deep nets: iterations 0,
 * 100 and 200 only; after about 200 iterations their path depends on rounding (NumPy in float32 leaves
 * the float64 path there too).
 */
export const COURSE_COSTS_FLOAT64 = {
  logistic: [
    Math.LN2,
    0.5845083637,
    0.4669490409,
    0.3760068669,
    0.3314632893,
    0.3032730675,
    0.2798795866,
    0.2600421369,
    0.2429406847,
    0.2280042226,
    0.2148195138,
    0.2030781906,
    0.1925442772,
    0.183033338,
    0.1743985944,
    0.1665213971,
    0.1593045183,
    0.1526673247,
    0.146542235,
    0.1408720757,
  ],
  twoLayer: [0.6930497357, 0.6464320953, 0.6325140648],
  fourLayer: [0.7717493284, 0.6720534401, 0.6482632049],
};

/**
 * How far catnet's float32 costs may be from COURSE_COSTS_FLOAT64: measured at most 4.1e-8 (logistic
 * regression, avx512), 4.0e-9 (2-layer) and 8.4e-9 (4-layer) over avx512, avx2, scalar and the
 * reference kernels; 1e-7 leaves room for another CPU's rounding.
 */
export const COURSE_COST_TOLERANCE = 1e-7;

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
 * Why some shared data cannot be used here, or null when it can (or when data is required: the test
 * then runs and fails on the missing file). `paths` are absolute; `hint` says how to provide them.
 * Prints the reason, prefixed with `what` (the test that skips).
 */
export function sharedDataMissing(paths: string[], what: string, hint: string): string | null {
  const absent = paths.find((f) => !existsSync(f));
  if (absent === undefined) return null;
  const reason = `${absent} is missing (${hint})`;
  if (COURSE_DATA_REQUIRED) {
    console.error(`${reason}; the data is required here (CATNET_REQUIRE_DATA=1 or CI=true), so the test fails`);
    return null;
  }
  console.warn(`${what}: ${reason}`);
  return reason;
}

/** The course data's check: train.csv, test.csv and the four class folders (see sharedDataMissing). */
export function courseDataMissing(what = 'course-data test skipped'): string | null {
  const needed = ['train.csv', 'test.csv', 'train/cat', 'train/non-cat', 'test/cat', 'test/non-cat'];
  return sharedDataMissing(
    needed.map((f) => join(COURSE_DATA_DIR, f)),
    what,
    'put the course data set in ../shared/datasets/catvnoncat or set CATNET_COURSE_DATA',
  );
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
