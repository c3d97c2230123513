// Weights, feature maps and gradients -> pixels: a known pattern must come out as that pattern.

import { describe, expect, it } from 'vitest';
import { greyRgba, heatRgba, saliencyOf, signedRgba } from '../../src-main/services/learned-pictures.js';

/** RGBA of pixel (y, x). */
const at = (p: { width: number; pixels: Uint8ClampedArray }, y: number, x: number) =>
  Array.from(p.pixels.subarray((y * p.width + x) * 4, (y * p.width + x) * 4 + 4));

describe('signedRgba (a unit or filter as RGB, symmetric around zero)', () => {
  it('draws a known HWC pattern: +red left half, -blue right half, zero elsewhere', () => {
    const h = 4;
    const w = 6;
    const values = new Float32Array(h * w * 3);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const o = (y * w + x) * 3;
        if (x < w / 2)
          values[o] = 0.5; // red
        else values[o + 2] = -0.25; // blue
      }
    const p = signedRgba(values, h, w, 'hwc');
    expect(p.width).toBe(w);
    expect(p.height).toBe(h);
    // max |v| = 0.5 -> 255; 0 -> 128; -0.25 -> 128 - 63.5 = 64.5 -> 65 (rounded half up)
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        expect(at(p, y, x), `(${y},${x})`).toEqual(x < w / 2 ? [255, 128, 128, 255] : [128, 128, 65, 255]);
      }
    }
  });

  it('reads CHW (conv filters: W (filters, 3, k, k)) with the channel planes one after the other', () => {
    const k = 3;
    const values = new Float32Array(3 * k * k);
    values[0 * k * k + 4] = 2; // red plane, centre
    values[1 * k * k + 0] = -2; // green plane, top left
    const p = signedRgba(values, k, k, 'chw');
    expect(at(p, 1, 1)).toEqual([255, 128, 128, 255]);
    expect(at(p, 0, 0)).toEqual([128, 1, 128, 255]);
    expect(at(p, 2, 2)).toEqual([128, 128, 128, 255]);
  });

  it('scales each picture by its own largest weight, and draws all-zero weights grey', () => {
    const small = signedRgba(
      Float32Array.from({ length: 12 }, (_, i) => (i === 0 ? 1e-6 : 0)),
      2,
      2,
      'hwc',
    );
    expect(at(small, 0, 0)).toEqual([255, 128, 128, 255]);
    const zero = signedRgba(new Float32Array(12), 2, 2, 'hwc');
    expect(new Set(zero.pixels.filter((_, i) => i % 4 !== 3))).toEqual(new Set([128]));
    expect(() => signedRgba(new Float32Array(11), 2, 2, 'hwc')).toThrow(/need 12 values, got 11/);
  });
});

describe('greyRgba, saliencyOf, heatRgba', () => {
  it('a feature map goes min -> black, max -> white', () => {
    const p = greyRgba(Float32Array.from([1, 2, 3, 5]), 2, 2);
    expect([at(p, 0, 0), at(p, 0, 1), at(p, 1, 0), at(p, 1, 1)]).toEqual([
      [0, 0, 0, 255],
      [64, 64, 64, 255],
      [128, 128, 128, 255],
      [255, 255, 255, 255],
    ]);
  });

  it('saliency is the largest |gradient| over r, g, b, and the heat map is opaque yellow only there', () => {
    const g = Float32Array.from([0.1, -0.4, 0.2, 0, 0, 0, 0.05, 0, -0.1, 0, 0, 0]);
    const s = saliencyOf(g, 2, 2);
    expect(Array.from(s)).toEqual([Math.fround(0.4), 0, Math.fround(0.1), 0]);
    const heat = heatRgba(s, 2, 2);
    expect(at(heat, 0, 0)).toEqual([255, 255, 0, 217]);
    expect(at(heat, 0, 1)).toEqual([255, 0, 0, 0]);
    expect(at(heat, 1, 0)).toEqual([255, 64, 0, 54]);
  });
});
