// Hands out consecutive views of one Float32Array: parameters, gradients and caches are each one
// allocation, carved into named per-layer views in forward order.

export class Slab {
  private offset = 0;
  constructor(readonly data: Float32Array) {}

  /** The next n floats. */
  take(n: number): Float32Array {
    if (this.offset + n > this.data.length) {
      throw new Error(
        `network: slab of ${this.data.length} floats is too small for ${this.offset + n} (internal error)`,
      );
    }
    const view = this.data.subarray(this.offset, this.offset + n);
    this.offset += n;
    return view;
  }
}
