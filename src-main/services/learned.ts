// "See what the network learned": the current model's first layer as pictures, and for one image the
// first conv layer's feature maps and a saliency map |d P / d pixel| from one backward pass. All of it
// comes from the engine's own Network (the kernels in use); here the numbers only become PNGs.
// One image at a time: a forward and a backward pass of one example, cheap on the main thread.

import sharp from 'sharp';
import { getKernels } from '../../src-core/kernels/select.js';
import { IMAGE_SIZE, type Model, N_X } from '../../src-core/nn/model.js';
import { Network } from '../../src-core/nn/network.js';
import type { Explanation, LearnedFeatures, Picture } from '../contract.js';
import { greyRgba, heatRgba, type Rgba, saliencyOf, signedRgba } from './learned-pictures.js';

/** At most this many first-layer units (or filters, or feature maps) are drawn. */
export const MAX_PICTURES = 64;

/** One single-example Network per model (parameters copied once). */
const networks = new WeakMap<Model, Network>();

function networkOf(model: Model): Network {
  let net = networks.get(model);
  if (!net) {
    net = new Network(model.config, 1, getKernels());
    net.setParameters(model.params);
    networks.set(model, net);
  }
  return net;
}

export async function pngOf(picture: Rgba): Promise<string> {
  const png = await sharp(Buffer.from(picture.pixels.buffer, picture.pixels.byteOffset, picture.pixels.length), {
    raw: { width: picture.width, height: picture.height, channels: 4 },
  })
    .png()
    .toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

/**
 * The pictures of the first layer's units: for a dense first layer, row j of W[1] (n1, 12288) as a
 * 64x64 RGB image (the weights sit where the pixels they multiply sit, HWC); for a conv first layer,
 * filter f of W (filters, 3, k, k) as a k x k RGB image. Each scaled symmetrically around zero.
 */
export function firstLayerPictures(model: Model): {
  kind: 'dense' | 'conv';
  size: number;
  total: number;
  pictures: Rgba[];
} {
  const conv = model.config.features?.[0];
  if (conv?.kind === 'conv') {
    const W = model.params.convW?.[0];
    const k = conv.size;
    const each = 3 * k * k;
    if (!W || W.length !== conv.filters * each)
      throw new Error(`the model's first conv layer has ${W?.length ?? 0} weights; expected ${conv.filters * each}`);
    const shown = Math.min(conv.filters, MAX_PICTURES);
    const pictures = Array.from({ length: shown }, (_, f) =>
      signedRgba(W.subarray(f * each, (f + 1) * each), k, k, 'chw'),
    );
    return { kind: 'conv', size: k, total: conv.filters, pictures };
  }
  const n1 = model.config.layerDims[1]!;
  const W1 = model.params.W[0]!;
  if (model.config.layerDims[0] !== N_X || W1.length !== n1 * N_X)
    throw new Error(
      `the model's first layer reads ${model.config.layerDims[0]} inputs; pictures need ${N_X} (64x64 RGB)`,
    );
  const shown = Math.min(n1, MAX_PICTURES);
  const pictures = Array.from({ length: shown }, (_, j) =>
    signedRgba(W1.subarray(j * N_X, (j + 1) * N_X), IMAGE_SIZE, IMAGE_SIZE, 'hwc'),
  );
  return { kind: 'dense', size: IMAGE_SIZE, total: n1, pictures };
}

export async function learnedFeatures(model: Model): Promise<LearnedFeatures> {
  const layer = firstLayerPictures(model);
  const name = layer.kind === 'conv' ? 'filter' : 'unit';
  const pictures: Picture[] = await Promise.all(
    layer.pictures.map(async (p, i) => ({ label: `${name} ${i + 1}`, png: await pngOf(p) })),
  );
  return { kind: layer.kind, size: layer.size, total: layer.total, pictures };
}

/**
 * For one image (bytes (64, 64, 3) HWC): P = A[L], the input gradient d P / d x (x = pixels / 255,
 * HWC, from the engine's backward pass down to dA[0]) and the first conv layer's activations
 * A (c, 64, 64) when the model has a convolutional body.
 */
export function explainVector(
  model: Model,
  vector: Uint8Array,
): { probability: number; gradient: Float32Array; maps: { c: number; h: number; w: number; A: Float32Array } | null } {
  if (vector.length !== N_X) throw new Error(`explain: an image is ${N_X} bytes (64x64 RGB), got ${vector.length}`);
  const net = networkOf(model);
  const probability = net.forward(vector, 1)[0]!;
  const first = net.featureMaps()[0];
  const maps = first ? { ...first.shape, A: first.A.slice(0, first.shape.c * first.shape.h * first.shape.w) } : null;
  const gradient = new Float32Array(N_X);
  net.inputGradient(vector, 1, gradient);
  return { probability, gradient, maps };
}

/** The explanation of one image as pictures for the UI. */
export async function explainImage(model: Model, vector: Uint8Array): Promise<Explanation> {
  const { probability, gradient, maps } = explainVector(model, vector);
  const saliency = await pngOf(heatRgba(saliencyOf(gradient, IMAGE_SIZE, IMAGE_SIZE), IMAGE_SIZE, IMAGE_SIZE));
  if (!maps) return { probability, saliency };
  const plane = maps.h * maps.w;
  const shown = Math.min(maps.c, MAX_PICTURES);
  const featureMaps = await Promise.all(
    Array.from({ length: shown }, async (_, f) => ({
      label: `filter ${f + 1}`,
      png: await pngOf(greyRgba(maps.A.subarray(f * plane, (f + 1) * plane), maps.h, maps.w)),
    })),
  );
  return { probability, saliency, featureMaps };
}

/** The 64x64 RGB bytes of a PNG data URL the app made (a prediction's `input`); refuses anything else. */
export async function vectorOfPng(dataUrl: string): Promise<Uint8Array> {
  const match = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/.exec(dataUrl);
  if (!match)
    throw new Error('explain: the image must be the PNG data URL of a prediction (data:image/png;base64,...)');
  try {
    // The renderer is untrusted: refuse anything bigger than 64x64 before decoding it.
    const { data, info } = await sharp(Buffer.from(match[1]!, 'base64'), { limitInputPixels: IMAGE_SIZE * IMAGE_SIZE })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.width !== IMAGE_SIZE || info.height !== IMAGE_SIZE || info.channels !== 3)
      throw new Error(`it is ${info.width}x${info.height} with ${info.channels} channels`);
    return new Uint8Array(data.buffer, data.byteOffset, data.length);
  } catch (error) {
    throw new Error(
      `explain: the image is not a 64x64 RGB PNG from a prediction (${error instanceof Error ? error.message : String(error)}); classify the image again`,
    );
  }
}
