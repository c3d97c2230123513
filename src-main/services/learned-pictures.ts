// Numbers the network computed -> RGBA pixels a person can look at. Pure (no I/O, no engine): the
// weights of a first-layer unit or filter, a feature map, a saliency map. Every picture is scaled on
// its own, so a weak unit is as readable as a strong one; the scale is stated per function.

/** Where channel ch of pixel p sits in a picture's values: HWC (the images' bytes) or CHW (conv weights). */
export type Layout = 'hwc' | 'chw';

/** A picture: h x w pixels, RGBA, row-major (what an ImageData or a raw PNG encoder takes). */
export interface Rgba {
  width: number;
  height: number;
  pixels: Uint8ClampedArray;
}

/** Largest |v| of values (0 for none or all zero). */
function maxAbs(values: Float32Array): number {
  let m = 0;
  for (const v of values) m = Math.max(m, Math.abs(v));
  return m;
}

/**
 * Signed weights of one unit or filter (c = 3 colour channels, h x w) as RGB, symmetric around zero:
 * channel value v -> 128 + 127 * v / max|v| (0 -> mid grey, the largest |v| -> 1 or 255), each colour
 * channel drawn in its own colour. All-zero weights give a uniform grey.
 */
export function signedRgba(values: Float32Array, h: number, w: number, layout: Layout): Rgba {
  const c = 3;
  if (values.length !== c * h * w)
    throw new Error(`signedRgba: ${h}x${w}x${c} weights need ${c * h * w} values, got ${values.length}`);
  const scale = maxAbs(values);
  const pixels = new Uint8ClampedArray(h * w * 4);
  for (let p = 0; p < h * w; p++) {
    for (let ch = 0; ch < c; ch++) {
      const v = values[layout === 'hwc' ? p * c + ch : ch * h * w + p]!;
      pixels[p * 4 + ch] = Math.round(128 + (scale > 0 ? (127 * v) / scale : 0));
    }
    pixels[p * 4 + 3] = 255;
  }
  return { width: w, height: h, pixels };
}

/**
 * One feature map (h x w activations) as grey levels, min -> black, max -> white (a constant map is
 * black: after ReLU that means "nothing found here").
 */
export function greyRgba(values: Float32Array, h: number, w: number): Rgba {
  if (values.length !== h * w) throw new Error(`greyRgba: a ${h}x${w} map needs ${h * w} values, got ${values.length}`);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const range = hi - lo;
  const pixels = new Uint8ClampedArray(h * w * 4);
  for (let p = 0; p < h * w; p++) {
    const g = range > 0 ? Math.round((255 * (values[p]! - lo)) / range) : 0;
    pixels.set([g, g, g, 255], p * 4);
  }
  return { width: w, height: h, pixels };
}

/**
 * Saliency per pixel: s = max over the c channels of |gradient| (HWC gradient, c = 3), as in Simonyan
 * et al. 2014. Returns s (h * w), not normalised.
 */
export function saliencyOf(gradient: Float32Array, h: number, w: number): Float32Array {
  const c = 3;
  if (gradient.length !== h * w * c)
    throw new Error(`saliencyOf: a ${h}x${w}x${c} gradient needs ${h * w * c} values, got ${gradient.length}`);
  const s = new Float32Array(h * w);
  for (let p = 0; p < h * w; p++)
    s[p] = Math.max(Math.abs(gradient[p * c]!), Math.abs(gradient[p * c + 1]!), Math.abs(gradient[p * c + 2]!));
  return s;
}

/**
 * A saliency map (h x w, >= 0) as a heat overlay: t = s / max s; colour from red (t small) to yellow
 * (t = 1); opacity 0.85 * t, so the input shows through where the output does not depend on it.
 */
export function heatRgba(saliency: Float32Array, h: number, w: number): Rgba {
  if (saliency.length !== h * w)
    throw new Error(`heatRgba: a ${h}x${w} map needs ${h * w} values, got ${saliency.length}`);
  const top = maxAbs(saliency);
  const pixels = new Uint8ClampedArray(h * w * 4);
  for (let p = 0; p < h * w; p++) {
    const t = top > 0 ? Math.abs(saliency[p]!) / top : 0;
    pixels.set([255, Math.round(255 * t), 0, Math.round(255 * 0.85 * t)], p * 4);
  }
  return { width: w, height: h, pixels };
}
