// Where each parameter lives in a network's slab: conv layers (W, b) in forward order, then the dense
// layers (W[l], b[l]) for l = 1..L. The gradient slab has the same layout.

import type { Shape } from './layers/layer.js';
import type { NetworkConfig, Parameters } from './model.js';
import { IMAGE_SHAPE } from './shapes.js';
import { Slab } from './slab.js';

/** The floats of each parameter array in slab order, named for messages. */
export function parameterLayout(config: NetworkConfig, image: Shape = IMAGE_SHAPE): { name: string; size: number }[] {
  const out: { name: string; size: number }[] = [];
  let c_in = image.c;
  let conv = 0;
  for (const f of config.features ?? []) {
    if (f.kind !== 'conv') continue;
    conv++;
    out.push({ name: `convW[${conv - 1}]`, size: f.filters * c_in * f.size * f.size });
    out.push({ name: `convB[${conv - 1}]`, size: f.filters });
    c_in = f.filters;
  }
  const dims = config.layerDims;
  for (let l = 1; l < dims.length; l++) {
    out.push({ name: `W[${l}]`, size: dims[l] * dims[l - 1] });
    out.push({ name: `b[${l}]`, size: dims[l] });
  }
  return out;
}

/** Named views of `data` laid out as parameterLayout says (convW/convB only when there are convs). */
export function parameterViews(data: Float32Array, config: NetworkConfig, image: Shape = IMAGE_SHAPE): Parameters {
  const slab = new Slab(data);
  const p: Parameters = { W: [], b: [] };
  const convW: Float32Array[] = [];
  const convB: Float32Array[] = [];
  for (const { name, size } of parameterLayout(config, image)) {
    const view = slab.take(size);
    if (name.startsWith('convW')) convW.push(view);
    else if (name.startsWith('convB')) convB.push(view);
    else if (name.startsWith('W')) p.W.push(view);
    else p.b.push(view);
  }
  if (convW.length) Object.assign(p, { convW, convB });
  return p;
}
