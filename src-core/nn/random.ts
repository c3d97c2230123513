// Seeded randomness, the one module for it: the Mersenne Twister (MT19937) with the same seeding,
// uniform doubles and polar Box-Muller normals as NumPy's legacy `np.random.seed(s)` / `np.random.randn`,
// so seed 1 draws the very numbers the course's notebooks drew (initialisation, mini-batch order);
// mulberry32, a small fast uniform generator (validation splits, generated test images); and the one
// Fisher-Yates shuffle both use.

const N = 624;
const M = 397;

export class Random {
  private readonly mt = new Uint32Array(N);
  private index = N;
  private spareGauss: number | null = null;

  /** seed: an integer in [0, 2^32 - 1] (NumPy's init_genrand). */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new Error(`random seed must be a whole number from 0 to 4294967295, got ${seed}`);
    }
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      // 1812433253 * prev + i, mod 2^32 (Math.imul keeps the low 32 bits exactly)
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  /** The next 32-bit output of MT19937. */
  uint32(): number {
    const mt = this.mt;
    if (this.index >= N) {
      for (let i = 0; i < N; i++) {
        const y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
        mt[i] = mt[(i + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Uniform in [0, 1) with 53 random bits (NumPy's random_sample). */
  uniform(): number {
    const a = this.uint32() >>> 5;
    const b = this.uint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Standard normal (NumPy's legacy gauss: polar Box-Muller, the second value kept for the next call). */
  randn(): number {
    if (this.spareGauss !== null) {
      const g = this.spareGauss;
      this.spareGauss = null;
      return g;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.uniform() - 1;
      x2 = 2 * this.uniform() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.spareGauss = f * x1;
    return f * x2;
  }

  /** An integer in [0, n), unbiased (rejection sampling on 32 bits); n <= 2^32. */
  below(n: number): number {
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const u = this.uint32();
      if (u < limit) return u % n;
    }
  }

  /** Fisher-Yates shuffle in place, drawing with `below`. */
  shuffle<T extends Shuffleable>(a: T): T {
    return shuffleInPlace(a, (n) => this.below(n));
  }
}

/** Anything indexable by position holding numbers: arrays and typed arrays. */
export type Shuffleable = { length: number; [i: number]: number };

/**
 * Fisher-Yates shuffle in place: for i = length - 1 down to 1, swap a[i] with a[below(i + 1)], where
 * below(n) is a random integer in [0, n). Every shuffle in catnet is this one.
 */
export function shuffleInPlace<T extends Shuffleable>(a: T, below: (n: number) => number): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = below(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/**
 * mulberry32: a seeded uniform generator on [0, 1); same seed, same sequence on every platform.
 * Faster and smaller than MT19937 where NumPy compatibility does not matter.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
