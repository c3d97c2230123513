// Model -> ONNX bytes. Pure: no file system; the caller writes (see model-file.ts, which also verifies).
// The graph carries the preprocessing, so a runtime fed the app's 64x64 RGB bytes predicts like the app:
//
//   image uint8 [N,64,64,3] -> Cast(float) -> Div(255) -> Flatten(axis 1) = A0 [N,12288]
// or, with a convolutional body (features), the same scaled image through
//   Transpose(perm 0,3,1,2) = F0 [N,3,64,64];  per feature i = 1..:
//     conv: F[i] = g(Conv(F[i-1], conv_W[j], conv_b[j], k x k, pads (k-1)/2, strides 1))  [N,filters,h,w]
//     pool: F[i] = MaxPool(F[i-1], 2x2, strides 2)                              [N,c,h/2,w/2]
//   -> Flatten(axis 1) = A0 [N, c*h*w]   (CHW order, the engine's flatten)
//   Z[l] = Gemm(A[l-1], W[l], b[l], transB=1)  [N,n[l]];  A[l] = g[l](Z[l])      for l = 1..L
//   probability = A[L] [N,1];  label = Squeeze(Cast<int64>(probability >= threshold), axes=[1]) [N]

import { validateConfig } from '../nn/config.js';
import type { Activation, Model } from '../nn/model.js';
import { IMAGE_SIZE, LEAKY_SLOPE, N_X } from '../nn/model.js';
import { formatLayers } from '../nn/spec.js';
import { bodyShapes, mapSize } from './conv-shapes.js';
import { metadataEntries } from './metadata.js';
import { DT, IR_VERSION, type OnnxTypes, OPSET, onnx } from './schema.js';

export interface ExportOptions {
  /** Written as producer_version and catnet.app_version. */
  appVersion?: string;
}

const ONNX_ACTIVATION: Record<Activation, string> = {
  sigmoid: 'Sigmoid',
  tanh: 'Tanh',
  relu: 'Relu',
  leaky_relu: 'LeakyRelu',
};

/** Serialises a trained model. Throws (with the layer and index) on NaN/Inf parameters or bad shapes. */
export function exportOnnx(model: Model, opts: ExportOptions = {}): Uint8Array {
  checkExportable(model);
  const { layerDims, activations } = model.config;
  const L = layerDims.length - 1;
  const appVersion = opts.appVersion ?? 'unknown';

  const initializer: OnnxTypes.ITensorProto[] = [
    floatTensor('pixel_scale', [], new Float32Array([255])),
    floatTensor('threshold', [], new Float32Array([model.threshold])),
    int64Tensor('label_axes', [1], [1]),
  ];
  const node: OnnxTypes.INodeProto[] = [
    op('Cast', ['image'], ['image_float'], 'cast_image', [intAttr('to', DT.FLOAT)], 'uint8 -> float32'),
    op('Div', ['image_float', 'pixel_scale'], ['image_scaled'], 'scale_image', [], 'pixels / 255, as in training'),
  ];
  if ((model.config.features ?? []).length === 0) {
    node.push(op('Flatten', ['image_scaled'], ['A0'], 'unroll_image', [intAttr('axis', 1)], 'HWC unroll: [N, 12288]'));
  } else {
    const body = convBody(model, 'image_scaled');
    initializer.push(...body.initializer);
    node.push(
      ...body.node,
      op(
        'Flatten',
        [body.output],
        ['A0'],
        'flatten_features',
        [intAttr('axis', 1)],
        `CHW unroll: [N, ${layerDims[0]}]`,
      ),
    );
  }

  for (let l = 1; l <= L; l++) {
    const n = layerDims[l];
    const nPrev = layerDims[l - 1];
    initializer.push(floatTensor(`W${l}`, [n, nPrev], model.params.W[l - 1]));
    initializer.push(floatTensor(`b${l}`, [n], model.params.b[l - 1]));
    node.push(
      op(
        'Gemm',
        [`A${l - 1}`, `W${l}`, `b${l}`],
        [`Z${l}`],
        `layer${l}_linear`,
        [intAttr('transB', 1)],
        `Z${l} = A${l - 1} W${l}^T + b${l}`,
      ),
    );
    const g = activations[l - 1];
    const out = l === L ? 'probability' : `A${l}`;
    const attrs = g === 'leaky_relu' ? [floatAttr('alpha', LEAKY_SLOPE)] : [];
    node.push(op(ONNX_ACTIVATION[g], [`Z${l}`], [out], `layer${l}_${g}`, attrs, `A${l} = ${g}(Z${l})`));
  }

  node.push(
    op(
      'GreaterOrEqual',
      ['probability', 'threshold'],
      ['is_positive'],
      'apply_threshold',
      [],
      'probability >= threshold',
    ),
    op('Cast', ['is_positive'], ['label_column'], 'label_to_int64', [intAttr('to', DT.INT64)]),
    op('Squeeze', ['label_column', 'label_axes'], ['label'], 'label_vector', [], '[N, 1] -> [N]'),
  );

  const [positive, negative] = model.classNames;
  const graph: OnnxTypes.IGraphProto = {
    name: 'catnet_classifier',
    docString:
      `Binary image classifier "${positive}" (label 1) vs "${negative}" (label 0): ` +
      ((model.config.features ?? []).length === 0
        ? `fully connected network [${layerDims.join(', ')}], activations [${activations.join(', ')}]. `
        : `convolutional network "${formatLayers(model.config)}" (activations: conv ${convActivations(model)}, dense [${activations.join(', ')}]). `) +
      `Input: RGB bytes of ${IMAGE_SIZE}x${IMAGE_SIZE} images (resize mode "${model.resize}"), NHWC uint8.`,
    node,
    initializer,
    input: [valueInfo('image', DT.UINT8, ['N', IMAGE_SIZE, IMAGE_SIZE, 3], 'RGB bytes 0..255, [N, 64, 64, 3] (HWC)')],
    output: [
      valueInfo('probability', DT.FLOAT, ['N', 1], `Probability of "${positive}"`),
      valueInfo('label', DT.INT64, ['N'], `1 = "${positive}", 0 = "${negative}" (probability >= ${model.threshold})`),
    ],
  };

  const message: OnnxTypes.IModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'catnet',
    producerVersion: appVersion,
    domain: 'org.catnet',
    modelVersion: 1,
    docString: `catnet model: "${positive}" vs "${negative}". Metadata keys catnet.* describe preprocessing and training.`,
    graph,
    metadataProps: metadataEntries(model, appVersion),
  };
  const err = onnx.ModelProto.verify(message);
  if (err) throw new Error(`catnet: internal error building the ONNX model: ${err}`);
  return onnx.ModelProto.encode(message).finish();
}

/**
 * The convolutional body's nodes and initializers, from `input` (the scaled image, NHWC) to the
 * returned output name (NCHW). Conv j's filters conv{j}_W (filters, c_in, k, k) are the engine's convW
 * as stored; MaxPool's floor rounding (ceil_mode 0) is the engine's dropped odd row/column.
 */
function convBody(model: Model, input: string) {
  const features = model.config.features ?? [];
  const initializer: OnnxTypes.ITensorProto[] = [];
  const node = [op('Transpose', [input], ['F0'], 'to_nchw', [intsAttr('perm', [0, 3, 1, 2])], 'NHWC -> NCHW')];
  const shapes = bodyShapes(model.config);
  let j = 0;
  for (const [i, f] of features.entries()) {
    const [from, to] = [`F${i}`, `F${i + 1}`];
    if (f.kind === 'pool') {
      const attrs = [intsAttr('kernel_shape', [2, 2]), intsAttr('strides', [2, 2])];
      node.push(op('MaxPool', [from], [to], `feature${i + 1}_pool`, attrs, '2x2 max, stride 2'));
      continue;
    }
    j++;
    const { c } = shapes[i];
    const [k, p] = [f.size, (f.size - 1) / 2];
    initializer.push(floatTensor(`conv${j}_W`, [f.filters, c, k, k], model.params.convW![j - 1]));
    initializer.push(floatTensor(`conv${j}_b`, [f.filters], model.params.convB![j - 1]));
    const attrs = [
      intsAttr('kernel_shape', [k, k]),
      intsAttr('pads', [p, p, p, p]),
      intsAttr('strides', [1, 1]),
      intsAttr('dilations', [1, 1]),
      intAttr('group', 1),
    ];
    const Z = `feature${i + 1}_Z`;
    node.push(
      op('Conv', [from, `conv${j}_W`, `conv${j}_b`], [Z], `feature${i + 1}_conv`, attrs, `${k}x${k} same, stride 1`),
    );
    const gAttrs = f.activation === 'leaky_relu' ? [floatAttr('alpha', LEAKY_SLOPE)] : [];
    node.push(op(ONNX_ACTIVATION[f.activation], [Z], [to], `feature${i + 1}_${f.activation}`, gAttrs));
  }
  return { node, initializer, output: `F${features.length}` };
}

/** Throws a human message when the model cannot be written faithfully. */
function checkExportable(model: Model): void {
  const { layerDims, activations } = model.config;
  const L = layerDims.length - 1;
  const n0 = checkFeatures(model);
  if (layerDims[0] !== n0 || layerDims[L] !== 1 || L < 1)
    throw new Error(`Cannot export: the network must be [${n0}, ..., 1], got [${layerDims.join(', ')}].`);
  if (activations.length !== L || activations[L - 1] !== 'sigmoid')
    throw new Error(`Cannot export: expected ${L} activations ending in sigmoid, got [${activations.join(', ')}].`);
  if (!(model.threshold > 0 && model.threshold < 1))
    throw new Error(`Cannot export: threshold ${model.threshold} must be between 0 and 1.`);
  for (let l = 1; l <= L; l++) {
    checkFinite(`W${l}`, model.params.W[l - 1], layerDims[l] * layerDims[l - 1]);
    checkFinite(`b${l}`, model.params.b[l - 1], layerDims[l]);
  }
}

/** Checks the convolutional body (the engine's rules) and its parameters; returns n_0, the size the dense layers read. */
function checkFeatures(model: Model): number {
  const features = model.config.features ?? [];
  if (features.length === 0) return N_X;
  try {
    validateConfig(model.config);
  } catch (e) {
    throw new Error(`Cannot export: ${e instanceof Error ? e.message : String(e)}.`);
  }
  const shapes = bodyShapes(model.config);
  const { convW = [], convB = [] } = model.params;
  let j = 0;
  for (const [i, f] of features.entries()) {
    if (f.kind === 'pool') continue;
    checkFinite(`conv${j + 1}_W`, convW[j], f.filters * shapes[i].c * f.size * f.size);
    checkFinite(`conv${j + 1}_b`, convB[j], f.filters);
    j++;
  }
  if (convW.length !== j || convB.length !== j)
    throw new Error(`Cannot export: ${j} conv layers but ${convW.length} filter banks and ${convB.length} biases.`);
  return mapSize(shapes[shapes.length - 1]);
}

/** "relu" when every conv layer uses it, else the list. */
function convActivations(model: Model): string {
  const gs = (model.config.features ?? []).flatMap((f) => (f.kind === 'conv' ? [f.activation] : []));
  return new Set(gs).size === 1 ? gs[0] : `[${gs.join(', ')}]`;
}

function checkFinite(name: string, values: Float32Array | undefined, size: number): void {
  if (!values || values.length !== size)
    throw new Error(`Cannot export: ${name} has ${values?.length ?? 0} values, expected ${size}.`);
  for (let i = 0; i < size; i++) {
    if (!Number.isFinite(values[i]))
      throw new Error(
        `Cannot export: ${name}[${i}] is ${values[i]}. Training diverged; lower the learning rate and train again.`,
      );
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** float32 tensor stored as little-endian raw_data (the compact form every runtime reads). */
function floatTensor(name: string, dims: number[], values: Float32Array): OnnxTypes.ITensorProto {
  let rawData: Uint8Array;
  if (LITTLE_ENDIAN) {
    rawData = new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  } else {
    rawData = new Uint8Array(values.length * 4);
    const view = new DataView(rawData.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  }
  return { name, dims, dataType: DT.FLOAT, rawData };
}

function int64Tensor(name: string, dims: number[], values: number[]): OnnxTypes.ITensorProto {
  return { name, dims, dataType: DT.INT64, int64Data: values };
}

function op(
  opType: string,
  input: string[],
  output: string[],
  name: string,
  attribute: OnnxTypes.IAttributeProto[] = [],
  docString = '',
): OnnxTypes.INodeProto {
  return { opType, input, output, name, attribute, docString, domain: '' };
}

function intAttr(name: string, i: number): OnnxTypes.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i };
}

function intsAttr(name: string, ints: number[]): OnnxTypes.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints };
}

function floatAttr(name: string, f: number): OnnxTypes.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.FLOAT, f };
}

function valueInfo(
  name: string,
  elemType: number,
  shape: Array<string | number>,
  docString: string,
): OnnxTypes.IValueInfoProto {
  const dim = shape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
  return { name, docString, type: { tensorType: { elemType, shape: { dim } } } };
}
