// Continue training: checks that the parameters a run starts from (TrainOptions.initialModel, e.g. an
// imported .onnx) belong to the network the run asks for, convolutional body included. Errors name
// both networks and say what to do.

import { IMAGE_CHANNELS } from '../image-format.js';
import type { Activation, FeatureSpec, NetworkConfig } from '../nn/model.js';
import { featureText } from '../nn/shapes.js';
import { formatLayers } from '../nn/spec.js';
import { TrainError } from './errors.js';
import type { InitialModel } from './options.js';

/** g of every layer but the output: the conv layers', then the hidden dense layers'. */
function hiddenActivations(config: NetworkConfig): Activation[] {
  return [
    ...(config.features ?? []).flatMap((f) => (f.kind === 'conv' ? [f.activation] : [])),
    ...(config.activations?.slice(0, -1) ?? []),
  ];
}

/** "[12288, 7, 1] relu", or "c16,p + [4096, 64, 1] relu" with a convolutional body (output sigmoid). */
export function describeNetwork(config: NetworkConfig): string {
  const hidden = hiddenActivations(config);
  const g = hidden.length === 0 ? 'logistic regression' : [...new Set(hidden)].join('/');
  const body = config.features?.length ? `${config.features.map(featureText).join(',')} + ` : '';
  return `${body}[${config.layerDims?.join(', ')}] ${g}`;
}

const sameList = <T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean) =>
  a.length === b.length && a.every((x, i) => same(x, b[i]));

const sameFeature = (a: FeatureSpec, b: FeatureSpec) =>
  a.kind === 'pool'
    ? b.kind === 'pool'
    : b.kind === 'conv' && a.filters === b.filters && a.size === b.size && a.activation === b.activation;

function sameConfig(a: NetworkConfig, b: NetworkConfig): boolean {
  return (
    sameList(a.features ?? [], b.features ?? [], sameFeature) &&
    sameList(a.layerDims, b.layerDims, (x, y) => x === y) &&
    sameList(a.activations, b.activations, (x, y) => x === y)
  );
}

const fail = (message: string) => new TrainError('bad-initial-model', `training options: ${message}`);

function checkFinite(name: string, a: Float32Array): void {
  const i = a.findIndex((x) => !Number.isFinite(x));
  if (i >= 0) throw fail(`the model to continue from has ${name}[${i}] = ${a[i]}`);
}

function mismatch(config: NetworkConfig, requested: NetworkConfig): TrainError {
  const hidden = hiddenActivations(config);
  if (new Set(hidden).size > 1)
    return fail(
      `the model to continue from is ${describeNetwork(config)}, with different hidden ` +
        `activations; catnet trains networks with one hidden activation, so it cannot continue this model (the requested network is ${describeNetwork(requested)})`,
    );
  const layers = formatLayers(config);
  const g = hidden[0];
  const hasHidden = layers !== '';
  const what = config.features?.length ? 'layers' : 'hidden layers';
  return fail(
    `the model to continue from is ${describeNetwork(config)} but the requested network is ` +
      `${describeNetwork(requested)}; to continue from it, set the ${what} to ` +
      `${hasHidden ? layers : '"" (none)'}${hasHidden ? ` and the activation to ${g}` : ''}` +
      `${!config.features?.length && config.layerDims[0] !== requested.layerDims[0] ? ` (and use images of ${config.layerDims[0]} values)` : ''}, or train from scratch`,
  );
}

/** Conv layer i's parameters: W (filters, c_in, k, k), b (filters), with c_in following the body. */
function checkConvParameters(initial: InitialModel, features: readonly FeatureSpec[]): void {
  const convs = features.filter((f) => f.kind === 'conv');
  const { convW, convB } = initial.params;
  if ((convW?.length ?? 0) !== convs.length || (convB?.length ?? 0) !== convs.length)
    throw fail(
      `the model to continue from has ${convW?.length ?? 0} convolution weight and ${convB?.length ?? 0} bias arrays, expected ${convs.length} of each`,
    );
  let c_in = IMAGE_CHANNELS;
  convs.forEach((f, i) => {
    const W = convW?.[i];
    const b = convB?.[i];
    const nW = f.filters * c_in * f.size * f.size;
    if (!(W instanceof Float32Array) || W.length !== nW || !(b instanceof Float32Array) || b.length !== f.filters)
      throw fail(
        `the model to continue from has convolution parameters of the wrong shape at conv layer ${i + 1}: ` +
          `W ${W?.length} and b ${b?.length} values (Float32Array), expected ${nW} = ${f.filters} x ${c_in} x ${f.size} x ${f.size} and ${f.filters}`,
      );
    checkFinite(`convW${i + 1}`, W);
    checkFinite(`convB${i + 1}`, b);
    c_in = f.filters;
  });
}

/**
 * Throws a 'bad-initial-model' TrainError unless `initial` has exactly the architecture `requested`
 * and finite float32 parameters of its shapes: the conv body's (see checkConvParameters), then
 * W[l-1] of n[l] * n[l-1] and b[l-1] of n[l] values for l = 1..L.
 */
export function checkInitialModel(initial: InitialModel, requested: NetworkConfig): void {
  const config = initial?.config;
  if (!config || !Array.isArray(config.layerDims) || !Array.isArray(config.activations))
    throw fail('initialModel needs { config: { layerDims, activations }, params: { W, b } }');
  if (!sameConfig(config, requested)) throw mismatch(config, requested);
  checkConvParameters(initial, requested.features ?? []);
  const { layerDims } = requested;
  for (let l = 1; l < layerDims.length; l++) {
    const W = initial.params?.W?.[l - 1];
    const b = initial.params?.b?.[l - 1];
    const nW = layerDims[l] * layerDims[l - 1];
    if (!(W instanceof Float32Array) || W.length !== nW || !(b instanceof Float32Array) || b.length !== layerDims[l])
      throw fail(
        `the model to continue from has parameters of the wrong shape at layer ${l}: ` +
          `W ${W?.length} and b ${b?.length} values (Float32Array), expected ${nW} = ${layerDims[l]} x ${layerDims[l - 1]} and ${layerDims[l]}`,
      );
    checkFinite(`W${l}`, W);
    checkFinite(`b${l}`, b);
  }
  if (initial.params.W.length !== layerDims.length - 1 || initial.params.b.length !== layerDims.length - 1)
    throw fail(
      `the model to continue from has ${initial.params.W.length} weight and ${initial.params.b.length} bias arrays, expected ${layerDims.length - 1} of each`,
    );
}
